/** Following log files: globs, rotation, truncation, line splitting, wrapping of non-JSON lines, ack-gated progress. */
package io.fabstir.shipper.tail;
