package io.fabstir.otel.agent;

import io.fabstir.otel.telemetry.FabstirTelemetry;

/** A node that starts, says so, and waits for stdin to close: for tests of what the agent does at start. */
public final class IdleTestApp {

  public static void main(String[] args) throws Exception {
    FabstirTelemetry.install();
    System.out.println("MAIN STARTED");
    System.out.flush();
    System.in.readAllBytes();
  }
}
