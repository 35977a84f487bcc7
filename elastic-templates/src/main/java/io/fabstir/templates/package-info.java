/**
 * Elasticsearch component templates, index templates and the ILM policy for the daily {@code fabstir-logs-*}
 * indices, shipped as versioned JSON resources, and {@link io.fabstir.templates.TemplateInstaller}, which applies
 * them idempotently to a live cluster.
 */
package io.fabstir.templates;
