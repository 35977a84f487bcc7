/**
 * The node's exits other than its log lines go through the same rules as the encoder
 * ({@link io.fabstir.enrichers.redact.Redactor}): spans, metrics' and log records' resources and OTLP log records
 * before export ({@link io.fabstir.otel.redaction.RedactingSpanExporter} and its siblings), and the JSON bodies of
 * the HTTP endpoints ({@link io.fabstir.otel.redaction.TreeRedaction}). The rules are the Logback include's:
 * {@code fabstir.log.redaction}, {@code fabstir.log.redact-keys}, {@code fabstir.log.redact-pattern}.
 *
 * <p>The redactor is built on first use, on an exporter's or the HTTP server's thread: its rules take tens of
 * milliseconds to set up, which the application's start must not wait for.
 */
package io.fabstir.otel.redaction;
