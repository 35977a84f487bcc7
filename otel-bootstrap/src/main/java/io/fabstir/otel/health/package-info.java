/**
 * Health checks with three states (healthy / degraded / unhealthy). Where things live, and why:
 *
 * <ul>
 *   <li>{@link io.fabstir.otel.health.HealthRegistry} is application-side and speaks only the OpenTelemetry API: it
 *       publishes each check as {@code fabstir_health_status{check}} (1 / 0.5 / 0). Under the agent the app cannot
 *       see the extension's classes (separate class loader), but the agent bridges the API, so the values reach the
 *       agent's SDK.
 *   <li>{@code /health}, {@code /ready} and {@code /metrics} are served by the extension ({@code io.fabstir.otel.http})
 *       from the metrics its own reader collects, so the HTTP server and the Prometheus text come from one place in
 *       both modes, and a failing app check turns {@code /health} into 503 with no class shared across the boundary.
 *   <li>The built-ins, {@link io.fabstir.otel.health.DiskSpaceCheck} and the GPU check, are registered by the extension
 *       itself, so an operator who only adds {@code -javaagent} still gets them.
 * </ul>
 */
package io.fabstir.otel.health;
