/**
 * The node's scrape and probe endpoints ({@code /metrics}, {@code /health}, {@code /ready}) on the JDK HTTP server.
 * Started by the extension: on by default under the agent, off by default in library mode
 * ({@code FabstirTelemetry.install()}); {@code fabstir.http.enabled} / {@code FABSTIR_HTTP_ENABLED} switches it,
 * {@code fabstir.http.port} (default 9464) and {@code fabstir.http.host} (default 127.0.0.1) place it; who may read
 * what is {@link io.fabstir.otel.http.AccessPolicy}'s, from {@link io.fabstir.otel.http.HttpSettings} (credentials,
 * HTTPS, limits). Reference: docs/security.md.
 */
package io.fabstir.otel.http;
