package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.LogRecord;
import io.fabstir.enrichers.RecordOrigin;
import io.fabstir.enrichers.redact.Redactor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-format fixtures under {@code src/test/resources/formats}, and the edge chain they run through. Public for
 * the end-to-end tests (shipper-tools), which send the same lines through {@code tail}, Kafka and {@code index}.
 */
public final class Fixtures {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A fixed ingest time: no test depends on the day it runs. */
    static final RecordOrigin ORIGIN = new RecordOrigin("2049:1:fixture", "/logs/app.json", 0,
            Instant.parse("2026-11-24T07:00:00Z"));

    /** One case: a line as the library writes it, and what the record must hold after the edge chain. */
    public record Case(String format, String name, String line, JsonNode expect, List<String> absent,
                       List<String> original) {
        @Override
        public String toString() {
            return format + ": " + name;
        }
    }

    private Fixtures() {
    }

    public static boolean exists(String format) {
        return Fixtures.class.getResource("/formats/" + format + ".yaml") != null;
    }

    public static List<Case> load(String format) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/formats/" + format + ".yaml")) {
            JsonNode root = YAML.readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.path("cases")) {
                cases.add(new Case(root.path("format").asText(), c.path("name").asText(), c.path("line").asText(),
                        c.path("expect"), strings(c.path("absent")), strings(c.path("original"))));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The edge chain with format mapping first, redaction off (it is tested on its own). */
    static EnricherChain chain(FormatMapper mapper) {
        return EnricherChain.builder().formats(mapper).redactor(Redactor.disabled()).build();
    }

    static LogRecord enrich(FormatMapper mapper, String line) {
        LogRecord r = LogRecord.parse(line);
        chain(mapper).enrich(r, ORIGIN);
        return r;
    }

    /** JSON equality, numbers by value (an int in the fixture equals a long in the record). */
    public static boolean same(JsonNode actual, JsonNode expected) {
        if (actual == null) {
            return false;
        }
        if (actual.isNumber() && expected.isNumber()) {
            return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        return actual.equals(expected);
    }
}
