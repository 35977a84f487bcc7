/** Deterministic record ids, the same however often a record is read: {@link io.fabstir.enrichers.ids.DerivedUuid}. */
package io.fabstir.enrichers.ids;
