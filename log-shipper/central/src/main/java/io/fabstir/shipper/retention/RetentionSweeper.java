package io.fabstir.shipper.retention;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.indices.resolve_index.ResolveIndexItem;
import io.fabstir.shipper.sink.elasticsearch.IndexNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Deletes dated indices ({@code fabstir-logs-YYYY.MM.DD} and the DLQ's) once their whole UTC day is older than
 * {@code keep}. Indices whose name does not parse as a date of the pattern are never touched.
 *
 * <pre>{@code
 * List<String> gone = RetentionSweeper.builder().client(client).keep(Duration.ofDays(30)).build().sweep();
 * }</pre>
 */
public final class RetentionSweeper {
    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    private final ElasticsearchClient client;
    private final List<IndexNames> patterns;
    private final Duration keep;
    private final boolean dryRun;
    private final Clock clock;

    private RetentionSweeper(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.patterns = b.patterns.isEmpty()
                ? List.of(IndexNames.of(IndexNames.DEFAULT_PATTERN), IndexNames.of(IndexNames.DEFAULT_DLQ_PATTERN))
                : List.copyOf(b.patterns);
        this.keep = b.keep;
        this.dryRun = b.dryRun;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns the indices deleted (or, in dry-run mode, that would be deleted), sorted. */
    public List<String> sweep() throws IOException {
        Instant cutoff = clock.instant().minus(keep);
        TreeSet<String> expired = new TreeSet<>();
        for (IndexNames pattern : patterns) {
            // The resolve API lists names only, with view_index_metadata (_cat/indices would need cluster monitor).
            for (ResolveIndexItem r : client.indices().resolveIndex(c -> c.name(pattern.wildcard())
                    .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed)).indices()) {
                LocalDate day = dayOf(pattern, r.name());
                // A daily index holds records up to the end of its day; it expires when that end is past the cutoff.
                if (day != null && !day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).isAfter(cutoff)) {
                    expired.add(r.name());
                }
            }
        }
        List<String> names = new ArrayList<>(expired);
        if (names.isEmpty()) {
            log.info("retention: nothing older than {}", keep);
            return names;
        }
        if (dryRun) {
            log.info("retention (dry run): would delete {}", names);
            return names;
        }
        for (int i = 0; i < names.size(); i += 50) {
            List<String> chunk = names.subList(i, Math.min(names.size(), i + 50));
            client.indices().delete(d -> d.index(chunk));
            log.info("retention: deleted {}", chunk);
        }
        return names;
    }

    static LocalDate dayOf(IndexNames pattern, String index) {
        if (!index.startsWith(pattern.prefix())) {
            return null;
        }
        try {
            return LocalDate.parse(index.substring(pattern.prefix().length()), pattern.dateFormat());
        } catch (DateTimeException e) {
            return null;
        }
    }

    public static final class Builder {
        private ElasticsearchClient client;
        private final List<IndexNames> patterns = new ArrayList<>();
        private Duration keep = Duration.ofDays(30);
        private boolean dryRun;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder client(ElasticsearchClient client) {
            this.client = client;
            return this;
        }

        /** A daily pattern to sweep, e.g. {@code fabstir-logs-{yyyy.MM.dd}}; default: the logs and DLQ patterns. */
        public Builder pattern(String pattern) {
            this.patterns.add(IndexNames.of(pattern));
            return this;
        }

        public Builder keep(Duration keep) {
            if (keep.isNegative() || keep.isZero()) {
                throw new IllegalArgumentException("keep must be positive: " + keep);
            }
            this.keep = keep;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public RetentionSweeper build() {
            return new RetentionSweeper(this);
        }
    }
}
