/** Durable file writes: {@link io.fabstir.shipper.files.AtomicFile} (temp file, fsync, atomic rename). */
package io.fabstir.shipper.files;
