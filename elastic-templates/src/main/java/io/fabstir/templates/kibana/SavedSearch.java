package io.fabstir.templates.kibana;

/**
 * One saved search: its Kibana id and title, the index pattern it reads, its KQL, and the equivalent
 * {@code _search} request body (query DSL, sort, and aggregations where the search groups) as JSON.
 */
public record SavedSearch(String id, String title, String dataViewId, String indexPattern, String kql,
                          String searchBody) {
}
