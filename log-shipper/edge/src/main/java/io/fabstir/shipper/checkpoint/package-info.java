/** Per-file read positions (device, inode, first-line fingerprint, acknowledged offset), written atomically. */
package io.fabstir.shipper.checkpoint;
