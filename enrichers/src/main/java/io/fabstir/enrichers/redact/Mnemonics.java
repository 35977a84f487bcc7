package io.fabstir.enrichers.redact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds BIP-39 seed phrases: 12 or more consecutive words of the BIP-39 English list. Checking membership in the
 * real list (rather than "any 12 short lower-case words") keeps ordinary English log text from being masked.
 */
final class Mnemonics {

    static final int MIN_WORDS = 12;
    private static final String[] WORDS = load();

    private Mnemonics() {
    }

    /**
     * Replaces each seed phrase in {@code text} with the mask; returns {@code text} itself when there is none.
     */
    static String redact(String text, String mask) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        int runStart = -1;
        int runEnd = -1;
        int count = 0;
        int i = 0;
        while (true) {
            // next word: a maximal run of letters/digits
            int gapStart = i;
            while (i < n && !Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            boolean word = start < n;
            boolean continues = word && count > 0 && onlySpaces(text, gapStart, start)
                    && isListWord(text, start, i);
            if (!continues) {
                if (count >= MIN_WORDS) {
                    if (out == null) {
                        out = new StringBuilder(n);
                    }
                    out.append(text, copied, runStart).append(mask);
                    copied = runEnd;
                }
                count = 0;
                if (word && isListWord(text, start, i)) {
                    runStart = start;
                    count = 1;
                    runEnd = i;
                }
            } else {
                count++;
                runEnd = i;
            }
            if (!word) {
                break;
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    private static boolean onlySpaces(String s, int from, int to) {
        if (from == to) {
            return false;
        }
        for (int k = from; k < to; k++) {
            if (!isSpace(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Binary search on the sorted list without allocating a substring. */
    static boolean isListWord(CharSequence s, int from, int to) {
        int len = to - from;
        if (len < 3 || len > 8) {
            return false;
        }
        int lo = 0;
        int hi = WORDS.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = compare(WORDS[mid], s, from, to);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private static int compare(String word, CharSequence s, int from, int to) {
        int len = to - from;
        int n = Math.min(word.length(), len);
        for (int k = 0; k < n; k++) {
            int d = word.charAt(k) - s.charAt(from + k);
            if (d != 0) {
                return d;
            }
        }
        return word.length() - len;
    }

    private static String[] load() {
        List<String> words = new ArrayList<>(2048);
        try (InputStream in = Mnemonics.class.getResourceAsStream("bip39-english.txt")) {
            if (in == null) {
                throw new IllegalStateException("bip39-english.txt missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    words.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] sorted = words.toArray(String[]::new);
        java.util.Arrays.sort(sorted);
        return sorted;
    }
}
