package io.fabstir.localservices.esplugin;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code unique}, as the security index uses it (after {@code pattern_capture}, whose copies share a position):
 * Lucene's {@link RemoveDuplicatesTokenFilter} drops a term repeated at the same position.
 */
@NamedComponent("unique")
public final class UniqueFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream input) {
        return new RemoveDuplicatesTokenFilter(input);
    }
}
