package io.fabstir.shipper.fault;

import io.fabstir.shipper.harness.LogWriter;
import io.fabstir.shipper.index.SampleRecords;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/** The lines the scenarios' applications write; each carries its token so it can be found downstream. */
final class FaultLines {
    private FaultLines() {
    }

    /** Realistic records of every event kind (job, audit, performance, app, error), own event.id = token. */
    static Pipeline.LineMaker standard() {
        return (n, token) -> LogWriter.Line.of(
                SampleRecords.record(token.substring(0, token.lastIndexOf('-')), n, Instant.now()), token);
    }

    /**
     * {@link #standard()} with, among every 8 lines, two that have no event.id of their own, so the edge derives
     * one from the file's identity and the line's offset: a plain-text line of a third-party library (wrapped as
     * {@code fabstir.unparsed}, ingest time as its @timestamp) and a JSON record without an id.
     */
    static Pipeline.LineMaker withoutOwnIds() {
        Pipeline.LineMaker standard = standard();
        return (n, token) -> switch ((int) (n % 8)) {
            case 3 -> LogWriter.Line.of("{\"@timestamp\":\"" + Instant.now() + "\",\"log.level\":\"INFO\","
                    + "\"message\":\"no id of its own " + token + "\"}", token);
            case 7 -> LogWriter.Line.of("2026-11-24 07:00:00,123 WARN [pool-2-thread-1] o.a.h.i.c.RetryExec - " + token
                    + " I/O exception (java.net.SocketException) caught when processing request: retrying", token);
            default -> standard.line(n, token);
        };
    }

    // ---- clock skew ------------------------------------------------------------------------------------------

    /** One kind of skewed timestamp: a name and how to render it for a record written now. */
    record Skew(String name, BiFunction<Instant, String, String> timestamp) {
    }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS");
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSxx");

    /**
     * Timestamps from clocks that are wrong, elsewhere or odd: offsets east and west of UTC, the past and future
     * inside the indexer's window, just inside and just outside its edges (a record there is judged differently by
     * a clock a few seconds later: the redelivery case), far outside it, epoch numbers, no zone, missing, garbage.
     * {@code maxPast}/{@code maxFuture} are the indexer's window (its defaults: 365 days, 1 day).
     */
    static List<Skew> skews(Duration maxPast, Duration maxFuture) {
        return List.of(
                new Skew("utc-now", (t, tok) -> q(t.toString())),
                new Skew("+05:30", (t, tok) -> q(t.atOffset(ZoneOffset.ofHoursMinutes(5, 30)).toString())),
                new Skew("-08:00", (t, tok) -> q(t.atOffset(ZoneOffset.ofHours(-8)).toString())),
                new Skew("+14:00", (t, tok) -> q(t.atOffset(ZoneOffset.ofHours(14)).toString())),
                new Skew("-12:00 compact", (t, tok) -> q(SPACED.format(t.atOffset(ZoneOffset.ofHours(-12))))),
                new Skew("2 h behind", (t, tok) -> q(t.minus(2, ChronoUnit.HOURS).toString())),
                new Skew("3 days behind", (t, tok) -> q(t.minus(3, ChronoUnit.DAYS).toString())),
                new Skew("200 days behind", (t, tok) -> q(t.minus(200, ChronoUnit.DAYS).toString())),
                new Skew("5 h ahead", (t, tok) -> q(t.plus(5, ChronoUnit.HOURS).toString())),
                new Skew("3 s inside the past edge", (t, tok) -> q(t.minus(maxPast).plusSeconds(3).toString())),
                new Skew("3 s outside the future edge", (t, tok) -> q(t.plus(maxFuture).plusSeconds(3).toString())),
                new Skew("400 days behind", (t, tok) -> q(t.minus(400, ChronoUnit.DAYS).toString())),
                new Skew("3 days ahead", (t, tok) -> q(t.plus(3, ChronoUnit.DAYS).toString())),
                new Skew("year 2999", (t, tok) -> q("2999-01-01T00:00:00.000Z")),
                new Skew("epoch 0", (t, tok) -> q("1970-01-01T00:00:00.000Z")),
                new Skew("epoch millis", (t, tok) -> Long.toString(t.toEpochMilli())),
                new Skew("epoch seconds", (t, tok) -> Long.toString(t.getEpochSecond())),
                new Skew("no zone", (t, tok) -> q(LOCAL.format(t.atOffset(ZoneOffset.UTC)))),
                new Skew("missing", (t, tok) -> null),
                new Skew("garbage", (t, tok) -> q("yesterday at noon")),
                new Skew("object", (t, tok) -> "{\"t\":" + t.toEpochMilli() + "}"));
    }

    static Pipeline.LineMaker skewed(List<Skew> skews) {
        return (n, token) -> {
            Skew s = skews.get((int) (n % skews.size()));
            String ts = s.timestamp().apply(Instant.now(), token);
            return LogWriter.Line.of("{" + (ts == null ? "" : "\"@timestamp\":" + ts + ",")
                    + "\"log.level\":\"INFO\",\"event.id\":\"" + token + "\",\"event.dataset\":\"fabstir.app\","
                    + "\"labels.skew\":\"" + s.name() + "\",\"message\":\"clock " + s.name() + " " + token + "\"}",
                    token);
        };
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    // ---- malformed lines -------------------------------------------------------------------------------------

    /** One kind of bad line for the edge. */
    record Bad(String name, BiFunction<String, Random, byte[]> bytes, boolean tokenInContent) {
        Bad(String name, BiFunction<String, Random, byte[]> bytes) {
            this(name, bytes, true);
        }
    }

    private static byte[] u(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof byte[] a ? a : u(String.valueOf(p));
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** Every kind of broken, hostile or odd line we could think of; each keeps its token findable. */
    static List<Bad> malformed() {
        String now = "\"@timestamp\":\"NOW\"";
        return List.of(
                new Bad("valid control record", (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"message\":\"ok\"}")),
                new Bad("unterminated JSON", (t, r) -> u("{\"event.id\":\"" + t + "\",\"message\":\"cut off")),
                new Bad("JSON then trailing garbage", (t, r) -> u("{\"event.id\":\"" + t + "\"} and then some")),
                new Bad("plain text", (t, r) -> u("2026-11-24 07:00:00 ERROR [main] " + t + " plain text, not JSON")),
                new Bad("JSON array", (t, r) -> u("[\"" + t + "\",1,2,3]")),
                new Bad("JSON string", (t, r) -> u("\"" + t + "\"")),
                new Bad("array of objects", (t, r) -> u("[{\"event.id\":\"" + t + "\"}]")),
                new Bad("null with comment", (t, r) -> u("null // " + t)),
                new Bad("labels as a string (object in the mapping)",
                        (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"labels\":\"flat\"}")),
                new Bad("log as a string (object in the mapping)",
                        (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"log\":\"just text\"}")),
                new Bad("message as an object (text in the mapping)",
                        (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"message\":{\"text\":\"obj\"}}")),
                new Bad("object inside a keyword array",
                        (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"tags\":[1,\"a\",{\"x\":1}]}")),
                new Bad("object under labels.* (keyword by template)",
                        (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"labels\":{\"a\":{\"b\":1}}}")),
                new Bad("long field as text", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"event.duration\":\"slow\",\"fabstir.job.tokens_used\":\"many\"}")),
                new Bad("number out of every range", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"fabstir.job.tokens_used\":123456789012345678901234567890,\"x.big\":1e400}")),
                new Bad("bad ip", (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"host.ip\":\"999.1.2.3\"}")),
                new Bad("@timestamp as boolean", (t, r) -> u("{\"@timestamp\":true,\"event.id\":\"" + t + "\"}")),
                new Bad("huge line over max_line_bytes", (t, r) -> u("{\"event.id\":\"" + t + "\",\"message\":\""
                        + "h".repeat(300_000) + "\"}")),
                new Bad("large record under the limits", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"message\":\"" + "l".repeat(200_000) + "\"}")),
                new Bad("30 levels deep", (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\"d\":"
                        + "{\"d\":".repeat(30) + "1" + "}".repeat(30) + "}")),
                new Bad("3000 levels deep", (t, r) -> u("{\"event.id\":\"" + t + "\",\"d\":" + "[".repeat(3000)
                        + "]".repeat(3000) + "}")),
                new Bad("binary garbage", (t, r) -> cat(binary(r, 60), " " + t + " ", binary(r, 60))),
                new Bad("raw control characters", (t, r) -> u("{\"event.id\":\"" + t
                        + "\",\"message\":\"bell\u0007 esc\u001b[31m soh\u0001\"}")),
                new Bad("escaped control characters", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"message\":\"nul\\u0000 bell\\u0007 esc\\u001b\"}")),
                new Bad("invalid UTF-8 in a string", (t, r) -> cat("{\"event.id\":\"" + t + "\",\"message\":\"bad ",
                        new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE}, " bytes\"}")),
                new Bad("NUL bytes", (t, r) -> cat("{\"event.id\":\"" + t + "\",\"message\":\"a", new byte[] {0, 0},
                        "b\"}")),
                new Bad("lone surrogate escape", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"message\":\"half \\ud800 a pair\"}")),
                new Bad("metadata field names", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"_id\":\"x\",\"_index\":\"y\",\"_source\":{\"a\":1},\"_routing\":\"r\",\"_version\":3}")),
                new Bad("empty and blank keys", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"\":\"empty\",\"   \":\"blank\"}")),
                new Bad("dotted-only and stray-dot keys", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\".\":1,\"..\":2,\"a..b\":3,\".lead\":4,\"trail.\":5}")),
                new Bad("1500 fields", (t, r) -> {
                    StringBuilder sb = new StringBuilder("{" + now + ",\"event.id\":\"" + t + "\"");
                    for (int i = 0; i < 1500; i++) {
                        sb.append(",\"f").append(i).append("\":").append(i);
                    }
                    return u(sb.append('}').toString());
                }),
                new Bad("300-character key", (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\",\""
                        + "k".repeat(300) + "\":1}")),
                new Bad("duplicate keys", (t, r) -> u("{" + now + ",\"event.id\":\"" + t
                        + "\",\"message\":\"first\",\"message\":\"second\"}")),
                // A number is a usable id (as text); one per line, since lines sharing an id are one record by contract.
                new Bad("event.id as a number", (t, r) -> u("{" + now + ",\"event.id\":" + (1_000_000_000L
                        + Long.parseLong(t.substring(t.lastIndexOf('-') + 1))) + ",\"message\":\"" + t + "\"}")),
                new Bad("event.id as an object", (t, r) -> u("{" + now + ",\"event.id\":{\"x\":1},\"message\":\"" + t
                        + "\"}")),
                new Bad("event.id empty", (t, r) -> u("{" + now + ",\"event.id\":\"\",\"message\":\"" + t + "\"}")),
                new Bad("event.id of 600 characters", (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "-"
                        + "i".repeat(600) + "\"}")),
                new Bad("flat and nested event fields", (t, r) -> u("{" + now + ",\"event\":{\"dataset\":\"a\"},"
                        + "\"event.dataset\":\"b\",\"event.id\":\"" + t + "\"}")),
                new Bad("CRLF line end", (t, r) -> u("{" + now + ",\"event.id\":\"" + t + "\"}\r")),
                new Bad("byte order mark", (t, r) -> u("\uFEFF{" + now + ",\"event.id\":\"" + t + "\"}")),
                new Bad("blank line", (t, r) -> u("   \t "), false),
                new Bad("empty line", (t, r) -> new byte[0], false));
    }

    static Pipeline.LineMaker malformed(List<Bad> corpus, Random random) {
        return (n, token) -> {
            Bad b = corpus.get((int) (n % corpus.size()));
            byte[] bytes = b.bytes().apply(token, random);
            String s = new String(bytes, StandardCharsets.ISO_8859_1);
            if (s.contains("NOW")) {
                bytes = s.replace("NOW", Instant.now().toString()).getBytes(StandardCharsets.ISO_8859_1);
            }
            return new LogWriter.Line(bytes, token, b.tokenInContent());
        };
    }

    /** Random bytes without a newline (which would split the line). */
    private static byte[] binary(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                b[i] = 0x7f;
            }
        }
        return b;
    }
}
