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

    /** Whether {@code s[from, to)} is a sensitive name; {@code hash} is any hash of exactly those characters. */
    boolean sensitive(String s, int from, int to, int hash) {
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
            return key.length() == to - from && s.regionMatches(from, key, 0, to - from);
        }
    }
}
