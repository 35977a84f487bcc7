/**
 * Logback side of the Fabstir record contract: {@link io.fabstir.otel.logging.FabstirJsonEncoder} (one JSON
 * object per line, ECS names, event.id, trace ids, redaction), {@link io.fabstir.otel.logging.LogField#kv}
 * structured arguments, and the pieces the {@code fabstir/logback-include.xml} resource wires together
 * ({@link io.fabstir.otel.logging.ConsoleEncoder}, {@link io.fabstir.otel.logging.FabstirAsyncAppender},
 * {@link io.fabstir.otel.logging.KafkaAppender}, {@link io.fabstir.otel.logging.FabstirJsonLayout} for Loki4j).
 */
package io.fabstir.otel.logging;
