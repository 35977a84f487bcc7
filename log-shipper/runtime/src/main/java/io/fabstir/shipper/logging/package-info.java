/** The shipper's own log lines: how values from records, clusters and exceptions are quoted in them. */
package io.fabstir.shipper.logging;
