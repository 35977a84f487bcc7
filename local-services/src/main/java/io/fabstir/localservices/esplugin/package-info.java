/**
 * A stable Elasticsearch analysis plugin that the integration-test distribution needs for its security index.
 *
 * <p>The integ-test zip carries x-pack-security but not the {@code analysis-common} module, and the security index
 * ({@code .security-7}: native users, roles, API keys) is created with an {@code email} analyzer made of the
 * {@code uax_url_email} tokenizer and the {@code pattern_capture} and {@code unique} token filters, all from that
 * module. Without them every native-realm or API-key call fails with "Unknown filter type [pattern_capture]". These
 * factories register Lucene's own implementations under those names; {@code Install} puts them into the unpacked
 * distribution's {@code plugins/} folder. Compiled against the stable plugin API, which 8.19 and 9.x both load.
 * These classes run inside Elasticsearch only.
 */
package io.fabstir.localservices.esplugin;
