/** Retrying what failed for now: {@link io.fabstir.shipper.retry.Backoff}, exponential with jitter. */
package io.fabstir.shipper.retry;
