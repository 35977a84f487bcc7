package io.fabstir.otel.health;

/**
 * One named aspect of a node's health (chain connectivity, model loaded, disk, GPU). Runs when /health is asked or
 * metrics are collected, so keep it quick; an exception counts as unhealthy.
 */
@FunctionalInterface
public interface HealthCheck {
  HealthResult check() throws Exception;
}
