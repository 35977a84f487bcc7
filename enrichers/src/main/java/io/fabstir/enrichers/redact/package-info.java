/**
 * Secret masking shared by the in-app encoder and the edge shipper: {@link io.fabstir.enrichers.redact.Redactor}
 * (sensitive names, free-text patterns, JSON trees).
 */
package io.fabstir.enrichers.redact;
