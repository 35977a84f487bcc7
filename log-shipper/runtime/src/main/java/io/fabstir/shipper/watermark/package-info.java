/** Acknowledgement watermarks: how far a source may be checkpointed or committed without skipping anything. */
package io.fabstir.shipper.watermark;
