/**
 * The node's scrape and probe endpoints ({@code /metrics}, {@code /health}, {@code /ready}) on the JDK HTTP server.
 * Started by the extension: on by default under the agent, off by default in library mode
 * ({@code FabstirTelemetry.install()}); {@code fabstir.http.enabled} / {@code FABSTIR_HTTP_ENABLED} switches it,
 * {@code fabstir.http.port} (default 9464) and {@code fabstir.http.host} (default 0.0.0.0) place it.
 */
package io.fabstir.otel.http;
