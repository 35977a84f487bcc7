package io.fabstir.otel.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;

/**
 * Builds the SDK for library mode. Kept out of {@link FabstirTelemetry} so that, under the agent, the application
 * needs only the OpenTelemetry API on its classpath: this class (and the SDK) is never loaded there.
 */
final class LibraryModeSdk {

  private LibraryModeSdk() {}

  record Installed(OpenTelemetry openTelemetry, AutoCloseable closer) {}

  static Installed build(Map<String, String> properties) {
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> properties)
            .setResultAsGlobal()
            .build()
            .getOpenTelemetrySdk();
    return new Installed(sdk, sdk::close);
  }
}
