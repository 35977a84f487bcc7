/**
 * Kibana saved objects for the Fabstir log indices: the importable {@code .ndjson} export rendered with the Jaeger
 * URL of the installation ({@link io.fabstir.templates.kibana.KibanaSavedObjects}), and the saved searches' queries
 * in KQL and as Elasticsearch query DSL ({@link io.fabstir.templates.kibana.SavedSearch}) for users without Kibana.
 */
package io.fabstir.templates.kibana;
