package io.fabstir.enrichers.redact;

/**
 * Raw private keys by their shape: a standalone word of 64 hex digits, with or without {@code 0x}. A hash looks the
 * same, so a value labelled as one ({@code txHash=0x…}, or stored under a hash name such as {@code tx_hash},
 * {@code blockHash}, {@code txids}) is kept; longer hex (a signature) is not a key.
 */
final class HexKeys {

    /** Labels (key names ending with these) under which a 64-hex value is a hash, not a key. */
    private static final String[] HASH_LABELS = {
        "hash", "tx", "txid", "digest", "root", "checksum", "sha256", "commit", "fingerprint", "blockhash"
    };

    private HexKeys() {
    }

    /** Whether {@code key}'s last word names a hash (or, plural, an array of them). */
    static boolean isHashKey(CharSequence key) {
        if (key == null) {
            return false;
        }
        int e = key.length();
        int b = e;
        while (b > 0 && isWordChar(key.charAt(b - 1))) {
            b--;
        }
        // the label may be the whole last word (txid) or its tail (tx_hash, blockHash); compared in place, as the
        // encoder asks this for nested map keys on every event
        // a plural names an array of them (tx_hashes, txids)
        int plural = e - b > 2 && Character.toLowerCase(key.charAt(e - 1)) == 's'
                ? (Character.toLowerCase(key.charAt(e - 2)) == 'e' ? 2 : 1) : 0;
        for (String label : HASH_LABELS) {
            int len = label.length();
            if (e - b >= len && endsWithIgnoreCase(key, e, label)) {
                return true;
            }
            for (int p = 1; p <= plural; p++) {
                if (e - p - b >= len && endsWithIgnoreCase(key, e - p, label)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Masks standalone 64-hex-digit words that are not labelled as a hash; returns {@code s} itself if none. */
    static String redact(String s) {
        StringBuilder out = null;
        int copied = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isWordChar(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isWordChar(s.charAt(i))) {
                i++;
            }
            int hexStart = start;
            if (i - start == 66 && s.charAt(start) == '0' && (s.charAt(start + 1) == 'x' || s.charAt(start + 1) == 'X')) {
                hexStart = start + 2;
            }
            if (i - hexStart == 64 && allHex(s, hexStart, i) && !labelledAsHash(s, start)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(s, copied, start).append(Redactor.MASK);
                copied = i;
            }
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copied, n).toString();
    }

    private static boolean endsWithIgnoreCase(CharSequence s, int end, String suffix) {
        for (int i = 0, from = end - suffix.length(); i < suffix.length(); i++) {
            if (Character.toLowerCase(s.charAt(from + i)) != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean allHex(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean labelledAsHash(String s, int valueStart) {
        int e = valueStart;
        int limit = Math.max(0, valueStart - 6);
        while (e > limit && " =:\"'".indexOf(s.charAt(e - 1)) >= 0) {
            e--;
        }
        if (e == valueStart) {
            return false;
        }
        int b = e;
        while (b > 0 && isWordChar(s.charAt(b - 1))) {
            b--;
        }
        for (String label : HASH_LABELS) {
            int len = label.length();
            if (e - b >= len && s.regionMatches(true, e - len, label, 0, len)) {
                return true;
            }
        }
        return false;
    }
}
