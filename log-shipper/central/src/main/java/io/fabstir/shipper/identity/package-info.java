/**
 * Whose record it is, decided centrally from what a node cannot write: the topic it was read from (per-node topics,
 * each writable by its node's principal alone, {@link io.fabstir.shipper.identity.NodeTopics}). The identity stage
 * ({@link io.fabstir.shipper.identity.Provenance}) sets {@code fabstir.node_id}, keeps a different claim as
 * {@code fabstir.claimed_node_id}, accepts contract events from the chain monitor's topic only, scopes the document
 * {@code _id} by node ({@link io.fabstir.shipper.identity.ScopedIds}) and says what "the same record" is
 * ({@link io.fabstir.shipper.identity.ContentScan}), so a different record under a taken {@code event.id} is stored
 * too, never dropped.
 */
package io.fabstir.shipper.identity;
