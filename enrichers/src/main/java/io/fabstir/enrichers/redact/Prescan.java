package io.fabstir.enrichers.redact;

/**
 * One linear pass that says which rules could possibly match, so clean text costs no regex at all. This runs on
 * every logged string: short strings get a handful of intrinsic indexOf scans, long ones a table lookup per
 * character with the hex-run, word-run and mnemonic bookkeeping. The rules it flags are either hand-written scans
 * themselves (key/value, credential shapes, hex keys, mnemonics) or regexes gated by a literal that the regex needs
 * ({@code -----BEGIN}, {@code eyJ}, {@code bearer}, {@code ://…@}, {@code ://…hook}): ordinary log text has none of
 * those, so it never reaches a regular expression.
 */
final class Prescan {

    static final int PEM = 1;
    static final int JWT = 2;
    static final int BEARER = 4;
    static final int URL = 8;
    static final int KEY_VALUE = 16;
    static final int HEX = 32;
    static final int MNEMONIC = 64;
    static final int WEBHOOK = 128;
    static final int SHAPE = 256;

    /** Character classes (ASCII only; anything else is "other"). */
    private static final byte[] CLASS = new byte[128];
    private static final int C_HEX = 1;
    private static final int C_LOWER = 2;
    private static final int C_SPACE = 4;
    private static final int C_TRIGGER = 8;
    /** A character of a word that {@link CredentialShapes} looks at. */
    private static final int C_WORD = 16;
    /** Shortest text any length-bound rule can match: 64 hex digits, or 12 words of 3+ letters. */
    private static final int LONG_RULES_MIN = Math.min(64, Mnemonics.MIN_WORDS * 4 - 1);

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] |= C_HEX;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] |= C_LOWER;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            CLASS[c] |= C_HEX;
            CLASS[c - 32] |= C_HEX;
        }
        for (char c = 0; c < 128; c++) {
            if (CredentialShapes.isWordChar(c)) {
                CLASS[c] |= C_WORD;
            }
        }
        for (char c : new char[] {' ', '\t', '\n', '\r'}) {
            CLASS[c] |= C_SPACE;
        }
        // 'y' rather than 'e' for "eyJ": far rarer in ordinary text, so fewer trigger checks
        for (char c : new char[] {'=', ':', '-', 'y', 'b', 'B'}) {
            CLASS[c] |= C_TRIGGER;
        }
    }

    private Prescan() {
    }

    /** The rules that could match {@code s}, as a set of the flags above. */
    static int scan(String s) {
        int n = s.length();
        if (n < LONG_RULES_MIN) {
            // short text (most field values): a few intrinsic (SIMD) indexOf scans beat a per-char loop
            int flags = 0;
            if (s.indexOf('=') >= 0) {
                flags |= KEY_VALUE;
            }
            int colon = s.indexOf(':');
            if (colon >= 0) {
                flags |= KEY_VALUE;
                int scheme = s.indexOf("://", colon);
                if (scheme >= 0) {
                    if (s.indexOf('@', scheme) > 0) {
                        flags |= URL;
                    }
                    if (hasHook(s, scheme)) {
                        flags |= WEBHOOK;
                    }
                }
            }
            if (s.indexOf("-----BEGIN") >= 0) {
                flags |= PEM;
            }
            if (s.indexOf("eyJ") >= 0) {
                flags |= JWT;
            }
            if (s.indexOf("earer") > 0 || s.indexOf("EARER") > 0) {
                flags |= BEARER;
            }
            if (n >= CredentialShapes.MIN_LENGTH) {
                flags |= SHAPE; // the shapes' own scan is the cheap per-word check
            }
            return flags;
        }
        int flags = 0;
        int hexRun = 0;
        int wordRun = 0;
        int lowerWords = 0;
        int wordLen = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int k = c < 128 ? CLASS[c] : 0;
            if ((k & C_HEX) != 0) {
                if (++hexRun >= 64) {
                    flags |= HEX;
                }
            } else {
                hexRun = 0;
            }
            if ((k & C_WORD) != 0) {
                if (++wordRun >= CredentialShapes.MIN_LENGTH) {
                    flags |= SHAPE;
                }
            } else {
                wordRun = 0;
            }
            if ((k & C_LOWER) != 0) {
                wordLen++;
            } else if ((k & C_SPACE) != 0) {
                if (wordLen > 0) {
                    if (wordLen >= 3 && wordLen <= 8) {
                        if (++lowerWords >= Mnemonics.MIN_WORDS - 1) {
                            flags |= MNEMONIC;
                        }
                    } else {
                        lowerWords = 0;
                    }
                    wordLen = 0;
                }
            } else {
                wordLen = 0;
                lowerWords = 0;
            }
            if ((k & C_TRIGGER) != 0) {
                flags |= trigger(s, i, c);
            }
        }
        return flags;
    }

    /** "hook" in any case at or after {@code from}: a webhook URL's host or path. */
    private static boolean hasHook(String s, int from) {
        for (int i = from, n = s.length() - 3; i < n; i++) {
            if ((s.charAt(i) | 0x20) == 'h' && s.regionMatches(true, i, "hook", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    private static int trigger(String s, int i, char c) {
        int n = s.length();
        switch (c) {
            case '=':
                return KEY_VALUE;
            case ':':
                if (i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
                    int flags = KEY_VALUE;
                    if (s.indexOf('@', i) > 0) {
                        flags |= URL;
                    }
                    if (hasHook(s, i)) {
                        flags |= WEBHOOK;
                    }
                    return flags;
                }
                return KEY_VALUE;
            case '-':
                return s.startsWith("-----BEGIN", i) ? PEM : 0;
            case 'y':
                return i > 0 && i + 1 < n && s.charAt(i - 1) == 'e' && s.charAt(i + 1) == 'J' ? JWT : 0;
            default: // b, B
                return s.regionMatches(true, i, "bearer", 0, 6) ? BEARER : 0;
        }
    }
}
