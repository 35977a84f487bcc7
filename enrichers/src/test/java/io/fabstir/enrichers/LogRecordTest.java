package io.fabstir.enrichers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogRecordTest {

    @Test
    void readsFlatNestedAndMixedNames() {
        LogRecord flat = LogRecord.parse("{\"host.name\":\"a\"}");
        LogRecord nested = LogRecord.parse("{\"host\":{\"name\":\"b\"}}");
        LogRecord mixed = LogRecord.parse("{\"fabstir\":{\"job.id\":\"j-1\"}}");
        assertThat(flat.text("host.name")).isEqualTo("a");
        assertThat(nested.text("host.name")).isEqualTo("b");
        assertThat(mixed.text("fabstir.job.id")).isEqualTo("j-1");
        assertThat(mixed.has("fabstir.job.model")).isFalse();
    }

    @Test
    void putWritesTheFlatNameAndDropsTheNestedCopy() {
        LogRecord r = LogRecord.parse("{\"host\":{\"name\":\"old\",\"ip\":\"10.0.0.1\"}}");
        r.put("host.name", "new");
        assertThat(r.toJson()).isEqualTo("{\"host\":{\"ip\":\"10.0.0.1\"},\"host.name\":\"new\"}");
        LogRecord only = LogRecord.parse("{\"host\":{\"name\":\"old\"}}");
        only.put("host.name", "new");
        assertThat(only.toJson()).isEqualTo("{\"host.name\":\"new\"}");
    }

    @Test
    void putIfAbsentKeepsAValueStoredInEitherForm() {
        LogRecord r = LogRecord.parse("{\"host\":{\"name\":\"app\"}}");
        assertThat(r.putIfAbsent("host.name", "edge")).isFalse();
        assertThat(r.putIfAbsent("fabstir.node_id", "n-1")).isTrue();
        assertThat(r.text("host.name")).isEqualTo("app");
    }

    @Test
    void parseRefusesAnythingButOneObject() {
        assertThatThrownBy(() -> LogRecord.parse("[1,2]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> LogRecord.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogRecord.parse("")).hasMessageContaining("not a JSON object");
    }
}
