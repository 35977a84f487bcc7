/**
 * Elasticsearch component templates, index templates and the ILM policy for the daily {@code fabstir-logs-*}
 * indices, shipped as versioned JSON resources, and {@link io.fabstir.templates.TemplateInstaller}, which applies
 * them idempotently to a live cluster. {@link io.fabstir.templates.TemplateFields} reads the same resources to say,
 * for any dotted path, whether the template declares an object or a leaf (and its type).
 */
package io.fabstir.templates;
