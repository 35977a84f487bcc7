/**
 * Job, audit and performance events for application code ({@link io.fabstir.otel.events.FabstirEvents}): plain
 * SLF4J log calls whose key/value pairs set {@code event.dataset}, {@code event.action}, {@code event.outcome},
 * {@code event.duration} and {@code fabstir.*}; listeners ({@link io.fabstir.otel.events.FabstirEventListener})
 * let the OpenTelemetry side turn them into spans and metrics. No OpenTelemetry SDK dependency here.
 */
package io.fabstir.otel.events;
