/** The shipper's Prometheus registry and /metrics endpoint, shared by its subcommands. */
package io.fabstir.shipper.metrics;
