package io.fabstir.enrichers.redact;

/**
 * {@link SensitiveKeys}' verdicts on the names met before {@code =} and {@code :} in text, by exact spelling. A
 * node's messages come from a few format strings, so the same names ({@code tokens_used}, {@code duration_ms},
 * {@code request_id}) arrive in nearly every line: a hit costs one comparison of the name, where judging it again
 * means splitting it into words and walking the terms. Two slots per name, a fixed size (names longer than
 * {@link #LONGEST} are not kept), entries immutable: threads that race on a slot at worst judge a name twice, and a
 * flood of distinct names only replaces entries.
 */
final class KeyVerdicts {

    private static final int SIZE = 1024;
    private static final int LONGEST = 64;

    private final SensitiveKeys keys;
    private final Entry[] slots = new Entry[SIZE];

    KeyVerdicts(SensitiveKeys keys) {
        this.keys = keys;
    }

    /** Whether {@code s[from, to)} (not empty) is a sensitive name. */
    boolean sensitive(String s, int from, int to) {
        // the slot comes from the length and the characters at both ends: enough to spread a node's few names,
        // without a pass over every character (the comparison on a hit is that pass)
        int len = to - from;
        int hash = len * 0x9E3779B1 + s.charAt(from) * 31 * 31 + s.charAt(to - 1) * 31
                + s.charAt(from + (len >> 1)) + (len > 1 ? s.charAt(to - 2) * 0x3A5 : 0);
        int h = hash ^ (hash >>> 15);
        int first = h & (SIZE - 1);
        int second = (h >>> 10 ^ h * 0x9E3779B1) & (SIZE - 1);
        Entry a = slots[first];
        if (a != null && a.is(s, from, to)) {
            return a.sensitive;
        }
        Entry b = slots[second];
        if (b != null && b.is(s, from, to)) {
            return b.sensitive;
        }
        boolean verdict = keys.matches(s, from, to);
        if (to - from <= LONGEST) {
            slots[a == null || b != null ? first : second] = new Entry(s.substring(from, to), verdict);
        }
        return verdict;
    }

    private static final class Entry {
        final String key;
        final boolean sensitive;

        Entry(String key, boolean sensitive) {
            this.key = key;
            this.sensitive = sensitive;
        }

        boolean is(String s, int from, int to) {
            // compared char by char: names are short, and regionMatches' vectorised mismatch costs more to set up
            String k = key;
            int len = to - from;
            if (k.length() != len) {
                return false;
            }
            for (int i = 0; i < len; i++) {
                if (k.charAt(i) != s.charAt(from + i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
