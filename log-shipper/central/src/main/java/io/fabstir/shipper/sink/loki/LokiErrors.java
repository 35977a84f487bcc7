package io.fabstir.shipper.sink.loki;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Loki's 400 answers: which entries it refused and why. */
final class LokiErrors {

    enum Kind { OUT_OF_ORDER, TOO_OLD, TOO_NEW, LINE_TOO_LONG, METADATA_DISALLOWED, LABELS, OTHER }

    /**
     * One refused entry as Loki reports it: {@code entry with timestamp <go time> ignored, reason: '<why>'
     * [for stream: {labels}],}. {@code streamKey} is null when Loki did not say which stream.
     */
    record Failure(long tsNanos, String streamKey, String reason) {}

    private static final Pattern ENTRY = Pattern.compile(
            "entry with timestamp (\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(\\.\\d+)? ([+-]\\d{4}) \\S+ ignored, "
                    + "reason: '(.*?)'(?: for stream: (\\{.*?\\}))?,?\\s*$");
    private static final Pattern TOTAL = Pattern.compile("total ignored: (\\d+) out of (\\d+)");
    private static final Pattern MAX_SIZE = Pattern.compile(
            "(?i)(?:max entry size|max line size)[^0-9]*'?(\\d+)'?");

    private LokiErrors() {}

    static List<Failure> parse(String body) {
        List<Failure> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            Matcher m = ENTRY.matcher(line.trim());
            if (m.find()) {
                out.add(new Failure(goTimeToNanos(m.group(1), m.group(2), m.group(3), m.group(4)), m.group(6),
                        m.group(5)));
            }
        }
        return out;
    }

    /** The number Loki says it ignored, when it says so. */
    static OptionalInt totalIgnored(String body) {
        Matcher m = TOTAL.matcher(body);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    static Kind classify(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("out of order")) {
            return Kind.OUT_OF_ORDER;
        }
        if (r.contains("too far behind") || r.contains("too old") || r.contains("greater_than_max_sample_age")) {
            return Kind.TOO_OLD;
        }
        if (r.contains("too far in the future") || r.contains("too new") || r.contains("too_far_in_future")) {
            return Kind.TOO_NEW;
        }
        if (r.contains("max entry size") || r.contains("line too long") || r.contains("line_too_long")
                || r.contains("max line size")) {
            return Kind.LINE_TOO_LONG;
        }
        if (r.contains("structured metadata") && (r.contains("disallowed") || r.contains("not allowed"))) {
            return Kind.METADATA_DISALLOWED;
        }
        if (r.contains("label")) {
            return Kind.LABELS;
        }
        return Kind.OTHER;
    }

    /** The line size limit named in a "line too long" answer, if any. */
    static OptionalInt maxLineSize(String reason) {
        Matcher m = MAX_SIZE.matcher(reason);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** Go's {@code time.Time.String()} form, e.g. {@code 2024-05-01 10:00:00.123 +0000 UTC}. */
    static long goTimeToNanos(String date, String time, String fraction, String offset) {
        LocalDateTime ldt = LocalDateTime.parse(date + "T" + time);
        ZoneOffset zo = ZoneOffset.of(offset.substring(0, 3) + ":" + offset.substring(3));
        long seconds = ldt.toEpochSecond(zo);
        long nanos = 0;
        if (fraction != null) {
            String digits = (fraction.substring(1) + "000000000").substring(0, 9);
            nanos = Long.parseLong(digits);
        }
        return seconds * 1_000_000_000L + nanos;
    }

    /** Formats like Go's {@code time.Time.String()} in UTC, as the test receiver and Loki write it. */
    static String goTime(long tsNanos) {
        long sec = Math.floorDiv(tsNanos, 1_000_000_000L);
        long nano = Math.floorMod(tsNanos, 1_000_000_000L);
        LocalDateTime ldt = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(ldt.toLocalDate().toString()).append(' ')
                .append(String.format(Locale.ROOT, "%02d:%02d:%02d", ldt.getHour(), ldt.getMinute(), ldt.getSecond()));
        if (nano != 0) {
            String f = String.format(Locale.ROOT, "%09d", nano).replaceAll("0+$", "");
            sb.append('.').append(f);
        }
        return sb.append(" +0000 UTC").toString();
    }
}
