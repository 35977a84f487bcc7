/**
 * Secret masking shared by every exit of the node (the in-app encoder, the edge shipper, spans, health details):
 * {@link io.fabstir.enrichers.redact.Redactor} (sensitive names, free-text patterns, URLs, JSON trees). The rest is
 * package-private, one family of rules per class, behind the pre-scan that keeps clean text away from them.
 */
package io.fabstir.enrichers.redact;
