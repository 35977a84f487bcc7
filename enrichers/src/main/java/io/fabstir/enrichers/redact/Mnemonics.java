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
    private static final String[] TABLE = table(load());

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

    /**
     * Whether {@code s[from, to)} is a word of the list: a hash table probed in place, without a substring. English
     * text of short lower-case words reaches this for every word, so one hash and a compare or two, not a binary
     * search of eleven string comparisons.
     */
    static boolean isListWord(CharSequence s, int from, int to) {
        int len = to - from;
        if (len < 3 || len > 8) {
            return false;
        }
        for (int slot = hash(s, from, to) & (TABLE.length - 1); ; slot = (slot + 1) & (TABLE.length - 1)) {
            String word = TABLE[slot];
            if (word == null) {
                return false;
            }
            if (word.length() == len && equals(word, s, from)) {
                return true;
            }
        }
    }

    private static int hash(CharSequence s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = h * 31 + s.charAt(i);
        }
        return h ^ (h >>> 11);
    }

    private static boolean equals(String word, CharSequence s, int from) {
        for (int k = 0, n = word.length(); k < n; k++) {
            if (word.charAt(k) != s.charAt(from + k)) {
                return false;
            }
        }
        return true;
    }

    /** The list in an open-addressing table at most a quarter full (short probe runs for words not in it). */
    private static String[] table(String[] words) {
        String[] table = new String[Integer.highestOneBit(words.length * 4 - 1) << 1];
        for (String w : words) {
            int slot = hash(w, 0, w.length()) & (table.length - 1);
            while (table[slot] != null) {
                slot = (slot + 1) & (table.length - 1);
            }
            table[slot] = w;
        }
        return table;
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
        return words.toArray(String[]::new);
    }
}
