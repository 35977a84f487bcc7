/**
 * The Fabstir OpenTelemetry extension: autoconfigure SPI providers ({@link
 * io.fabstir.otel.extension.FabstirResourceProvider}, {@link io.fabstir.otel.extension.FabstirCustomizerProvider})
 * that the official Java agent loads from fabstir-otel-agent.jar's {@code extensions/} folder, and that
 * {@code FabstirTelemetry.install()} loads from the classpath in library mode.
 *
 * <p>Class-loader boundary: inside the agent these classes (and the JNA they need) live in the agent's extension
 * class loader and are invisible to the application. So everything the application calls lives in
 * {@code io.fabstir.otel.telemetry} and {@code io.fabstir.otel.health} on the application's classpath and speaks
 * only the OpenTelemetry API, which the agent bridges to its SDK; everything that needs the SDK (resource, GPU span
 * processor, views, the Prometheus reader, {@code /metrics /health /ready}, built-in disk and GPU checks) lives here.
 * The application's health checks cross the boundary as the {@code fabstir_health_status{check}} gauge.
 *
 * <p>Settings (system property / environment variable): {@code fabstir.node.id} / {@code FABSTIR_NODE_ID},
 * {@code fabstir.environment}, {@code fabstir.service.version}, {@code fabstir.gpu.enabled} (default true), {@code fabstir.gpu.nvml.library},
 * {@code fabstir.gpu.sample.interval} (default 5s), {@code fabstir.gpu.required}, {@code fabstir.gpu.temperature.degraded},
 * {@code fabstir.health.disk.paths}, {@code fabstir.http.enabled}, {@code fabstir.http.*} (see
 * {@link io.fabstir.otel.http.HttpSettings}), and the redaction rules of the log lines ({@code fabstir.log.redaction},
 * {@code fabstir.log.redact-keys}, {@code fabstir.log.redact-pattern}), which every export goes through.
 * Request timing comes from the agent's own HTTP server instrumentation ({@code http.server.request.duration}).
 */
package io.fabstir.otel.extension;
