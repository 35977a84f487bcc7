package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.enrichers.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each format's fixture, written from its library's documentation, through the edge chain. */
class FormatFixturesTest {

    static Stream<Fixtures.Case> cases() {
        return FormatMapper.builtinNames().stream().filter(Fixtures::exists).flatMap(f -> Fixtures.load(f).stream());
    }

    @Test
    void everyBuiltInFormatHasAFixture() {
        assertThat(FormatMapper.builtinNames()).allSatisfy(f -> assertThat(Fixtures.exists(f)).as(f).isTrue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mapsAsTheTableSays(Fixtures.Case c) {
        List<String> counted = new ArrayList<>();
        LogRecord r = Fixtures.enrich(FormatMapper.builder().counter(counted::add).build(), c.line());

        assertThat(counted).as("recognised as").containsExactly(c.format());
        assertThat(r.text(FormatMapper.FORMAT)).isEqualTo(c.format());
        Iterator<Map.Entry<String, JsonNode>> it = c.expect().fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(Fixtures.same(r.get(e.getKey()), e.getValue()))
                    .as("%s should be %s in %s", e.getKey(), e.getValue(), r).isTrue();
        }
        for (String field : c.absent()) {
            assertThat(r.has(field)).as("%s in %s", field, r).isFalse();
        }
        JsonNode originals = r.get(FormatMapper.ORIGINAL);
        for (String source : c.original()) {
            assertThat(originals != null && originals.has(source)).as("original of %s in %s", source, r).isTrue();
            assertThat(originals.get(source).equals(LogRecord.parse(c.line()).get(source)))
                    .as("original of %s as it was", source).isTrue();
        }
    }

    @Test
    void everyRecognisedRecordGetsADataset() {
        cases().forEach(c -> assertThat(Fixtures.enrich(FormatMapper.defaults(), c.line()).text("event.dataset"))
                .as(c.toString()).startsWith("fabstir."));
    }
}
