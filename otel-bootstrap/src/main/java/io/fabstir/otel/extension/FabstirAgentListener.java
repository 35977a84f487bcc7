package io.fabstir.otel.extension;

import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * Under the official agent, the HTTP endpoints start only once the agent has finished installing its
 * instrumentation: binding the JDK HTTP server while the agent is still transforming classes took the two cores
 * of a small host from it and added up to a tenth to the time before {@code main()}. Loaded by the agent only
 * (library mode never looks this service up).
 */
public final class FabstirAgentListener implements AgentListener {

  @Override
  public void afterAgent(AutoConfiguredOpenTelemetrySdk sdk) {
    FabstirRuntime.agentInstalled();
  }
}
