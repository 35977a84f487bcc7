package io.fabstir.shipper.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSearchesTheDemoShowsAreSavedSearchesOfQueriesJsonWithKqlAndABody() {
        List<Report.SavedQuery> all = Report.savedQueries();

        assertThat(all).extracting(Report.SavedQuery::id).containsAll(Report.SHOWN);
        for (Report.SavedQuery q : all) {
            assertThat(q.kql()).as(q.id()).isNotBlank();
            assertThat(q.body()).as(q.id()).contains("\"query\"");
            assertThat(q.columns()).as(q.id()).isNotEmpty();
        }
    }

    @Test
    void aFieldIsReadFromFlatAndFromNestedRecords() throws Exception {
        JsonNode flat = JSON.readTree("{\"trace.id\":\"abc\",\"event.duration\":5}");
        JsonNode nested = JSON.readTree("{\"trace\":{\"id\":\"abc\"},\"fabstir\":{\"job.id\":\"j-1\"}}");

        assertThat(Report.field(flat, "trace.id")).isEqualTo("abc");
        assertThat(Report.field(flat, "event.duration")).isEqualTo("5");
        assertThat(Report.field(nested, "trace.id")).isEqualTo("abc");
        assertThat(Report.field(nested, "fabstir.job.id")).isEqualTo("j-1");
        assertThat(Report.field(flat, "user.id")).isNull();
    }
}
