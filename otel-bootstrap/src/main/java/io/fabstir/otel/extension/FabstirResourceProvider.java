package io.fabstir.otel.extension;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ResourceProvider;
import io.opentelemetry.sdk.resources.Resource;

/**
 * Resource attributes of a Fabstir node: {@code fabstir.node_id} ({@code fabstir.node.id} / {@code FABSTIR_NODE_ID},
 * default the host name), {@code host.name}, {@code deployment.environment} ({@code fabstir.environment}) and
 * {@code service.name}/{@code service.version} when the Fabstir settings give them. {@code OTEL_SERVICE_NAME} and
 * {@code OTEL_RESOURCE_ATTRIBUTES} still win: autoconfigure applies them after every provider.
 */
public final class FabstirResourceProvider implements ResourceProvider {

  static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("fabstir.node_id");
  static final AttributeKey<String> HOST_NAME = AttributeKey.stringKey("host.name");
  static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("deployment.environment");
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

  @Override
  public Resource createResource(ConfigProperties config) {
    FabstirSettings settings = FabstirSettings.from(config);
    AttributesBuilder attributes = Attributes.builder();
    attributes.put(NODE_ID, settings.nodeId());
    attributes.put(HOST_NAME, settings.hostName());
    if (settings.environment() != null) {
      attributes.put(ENVIRONMENT, settings.environment());
    }
    if (settings.serviceName() != null) {
      attributes.put(SERVICE_NAME, settings.serviceName());
    }
    if (settings.serviceVersion() != null) {
      attributes.put(SERVICE_VERSION, settings.serviceVersion());
    }
    return Resource.create(attributes.build());
  }

  @Override
  public int order() {
    return 100; // after the SDK's defaults, before OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME
  }
}
