/**
 * The application-facing telemetry API: {@link io.fabstir.otel.telemetry.FabstirTelemetry#install()} and, from it,
 * job telemetry ({@code onJobStarted}/{@code onJobCompleted} → span {@code job.process} and the seed's job metrics),
 * operation timing ({@code fabstir_operation_duration_seconds}, slow operations logged as WARN), the node's
 * economic/network gauges, error tracking ({@code fabstir_errors_total}) and health checks.
 *
 * <h2>Two modes, one extension</h2>
 *
 * <ul>
 *   <li><b>Agent</b>: {@code java -javaagent:fabstir-otel-agent.jar -jar node.jar}. The official OpenTelemetry
 *       agent (all its auto-instrumentation: HTTP server/client timing, JDBC, Kafka, Logback MDC) with the Fabstir
 *       extension inside. {@code install()} installs nothing; this API talks to the agent's SDK through the
 *       OpenTelemetry API, which the agent bridges.
 *   <li><b>Library</b>: no agent; {@code install()} builds the SDK with OpenTelemetry autoconfigure, which loads the
 *       same extension classes from the classpath.
 * </ul>
 *
 * <h2>Class-loader boundary (why things live where they do)</h2>
 *
 * Inside the agent, the extension lives in the agent's own class loader: the application cannot see it, and it
 * cannot see the application. So:
 *
 * <ul>
 *   <li>On the application's classpath, speaking only the OpenTelemetry API: this package and
 *       {@code io.fabstir.otel.health.HealthRegistry}. Under the agent the application needs no SDK at all
 *       (library-mode SDK building is isolated in a class that is then never loaded).
 *   <li>In the extension ({@code io.fabstir.otel.extension}, shaded into the agent with JNA): resource attributes,
 *       the GPU sampler and span processor, histogram views, exporter defaults, the Prometheus reader and the
 *       {@code /metrics /health /ready} server, and the built-in disk and GPU checks.
 *   <li>Across the boundary only OpenTelemetry data flows: the app's health checks are observable gauges
 *       ({@code fabstir_health_status{check}}) that the extension's {@code /health} reads on every request, so an
 *       app-registered check that fails turns {@code /health} into 503 in both modes.
 * </ul>
 *
 * <h2>Logback wiring</h2>
 *
 * The include {@code fabstir/logback-include.xml} attaches {@link io.fabstir.otel.telemetry.ErrorTrackingAppender}
 * (counts ERROR events with a throwable; idle without the OpenTelemetry API) and, with
 * {@code fabstir.log.sentry.enabled=true}, {@link io.fabstir.otel.telemetry.RedactingSentryAppender} (the optional
 * Sentry appender: off without a DSN, secrets redacted before sending).
 */
package io.fabstir.otel.telemetry;
