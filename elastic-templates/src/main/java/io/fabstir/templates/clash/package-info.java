/**
 * Type clashes between a record and the log index template, settled instead of dead-lettered:
 * {@link io.fabstir.templates.clash.TypeClashResolver} moves a scalar where the template has an object to the ECS
 * field for it, turns an object where the template has a leaf into text (or drops it from the leaf), keeps every
 * original under {@code fabstir.original}, and reports each clash to a {@link io.fabstir.templates.clash.ClashCounter}.
 */
package io.fabstir.templates.clash;
