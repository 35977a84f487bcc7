package io.fabstir.enrichers;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * The {@code @timestamp} forms the edge leaves as they are: the encoder's own {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ}
 * (UTC, microseconds) and {@code yyyy-MM-ddTHH:mm:ss.SSSZ} (UTC, milliseconds, what the edge writes for other
 * sources), years 1970–9999. Recognised and read by hand because the edge checks and the indexer reads one per
 * record, where a {@code DateTimeFormatter} parse was a visible share of the indexer's CPU.
 */
public final class CanonicalTimestamp {
    private static final int[] DIGITS = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    private static final int MILLIS_LENGTH = 24;
    private static final int MICROS_LENGTH = 27;

    private CanonicalTimestamp() {
    }

    /** Whether {@code s} has the canonical form with plausible field values. */
    public static boolean is(String s) {
        if (s == null) {
            return false;
        }
        int length = s.length();
        if ((length != MILLIS_LENGTH && length != MICROS_LENGTH) || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != '.'
                || s.charAt(length - 1) != 'Z') {
            return false;
        }
        for (int i : DIGITS) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        for (int i = 20; i < length - 1; i++) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        int year = num(s, 0, 4);
        int month = num(s, 5, 7);
        int day = num(s, 8, 10);
        return year >= 1970 && month >= 1 && month <= 12 && day >= 1
                && day <= YearMonth.of(year, month).lengthOfMonth()
                && num(s, 11, 13) < 24 && num(s, 14, 16) < 60 && num(s, 17, 19) < 60;
    }

    /** The instant {@code s} names when it has the canonical form, else null (the caller's general parser). */
    public static Instant parse(String s) {
        if (!is(s)) {
            return null;
        }
        long day = LocalDate.of(num(s, 0, 4), num(s, 5, 7), num(s, 8, 10)).toEpochDay();
        long second = day * 86_400 + num(s, 11, 13) * 3_600L + num(s, 14, 16) * 60L + num(s, 17, 19);
        long nanos = s.length() == MICROS_LENGTH ? num(s, 20, 26) * 1_000L : num(s, 20, 23) * 1_000_000L;
        return Instant.ofEpochSecond(second, nanos);
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int num(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }
}
