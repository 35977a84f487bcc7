/**
 * Records of the common structured loggers mapped onto the record contract at the edge:
 * {@link io.fabstir.enrichers.format.FormatMapper}, driven by a table that is data (the bundled
 * {@code builtin-formats.json}) and extended from the YAML ({@link io.fabstir.enrichers.format.FormatConfig}).
 * docs/formats.md lists what is recognised and how it maps.
 */
package io.fabstir.enrichers.format;
