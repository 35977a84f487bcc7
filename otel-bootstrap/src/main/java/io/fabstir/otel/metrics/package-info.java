/**
 * Prometheus exposition of whatever the OpenTelemetry SDK collects, with the seed's metric names kept exactly
 * ({@code fabstir_jobs_processed_total}, {@code fabstir_job_processing_duration_seconds}, …): the reader is
 * registered by the extension on the SDK's meter provider and read by {@code /metrics}.
 */
package io.fabstir.otel.metrics;
