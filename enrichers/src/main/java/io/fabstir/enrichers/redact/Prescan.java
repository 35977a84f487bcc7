package io.fabstir.enrichers.redact;

/**
 * The gate in front of the rules: says which rules could possibly match, so clean text costs no regex at all and
 * most rules are not run. It runs on every logged string, so it reads the text once, 8 characters at a time,
 * without branching on each character's class: the class comes from a table; a group's classes are ORed (which
 * trigger characters occur) and ANDed (whether the whole group is of one class).
 * <ul>
 *   <li>Literals the rules need are looked for only when their rarest character occurs: {@code =} and {@code :}
 *   open the key/value rule directly; {@code ://} (after a {@code :}; it opens the URL rules),
 *   {@code -----BEGIN} (a {@code -} and a {@code G}), {@code eyJ} (a {@code J}), {@code bearer} (a {@code b}) are
 *   then confirmed with {@link String#indexOf}, which the JIT compiles to vector instructions.</li>
 *   <li>The rules bound by length need a run of one class: a credential-shaped word of 20+ characters, 64 hex
 *   digits, a 12-word seed phrase (47+ lower-case letters and spaces). A run of {@code L} characters covers at
 *   least {@code (L - 7) / 8} whole aligned groups, so consecutive whole groups are counted; a word that may reach
 *   20 is measured once, after the loop. Counting groups over-approximates (56 hex digits in a row open the hex-key
 *   scan), which costs only the exact scan that follows.</li>
 * </ul>
 * The rules it flags are either hand-written scans themselves (key/value, credential shapes, hex keys, mnemonics,
 * URLs) or regexes gated by a literal that the regex needs ({@code -----BEGIN}, {@code eyJ}, {@code bearer},
 * {@code ://…hook}): ordinary log text has none of those, so it never reaches a regular expression.
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

    /** Character classes (ASCII only; any other character is in none). */
    private static final char[] CLASS = new char[128];
    // classes a whole group is tested for (ANDed)
    private static final int C_HEX = 1;
    /** A character of a word that {@link CredentialShapes} looks at. */
    private static final int C_WORD = 2;
    /** A lower-case letter or white space: what a seed phrase is made of. */
    private static final int C_PHRASE = 4;
    // trigger characters (ORed)
    private static final int T_EQUALS = 8;
    private static final int T_COLON = 16;
    private static final int T_DASH = 32;
    private static final int T_UPPER_G = 64;
    private static final int T_UPPER_J = 128;
    private static final int T_LOWER_B = 256;
    private static final int T_UPPER_B = 512;

    private static final int GROUP = 8;
    private static final int CHUNK = 64 * GROUP;
    /** Whole groups inside the shortest run each rule needs (see the class comment). */
    private static final int HEX_GROUPS = (64 - (GROUP - 1)) / GROUP;
    private static final int PHRASE_GROUPS = (Mnemonics.MIN_WORDS * 4 - 1 - (GROUP - 1)) / GROUP;
    private static final int SHAPE_LENGTH = CredentialShapes.MIN_LENGTH;

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] |= C_HEX;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            CLASS[c] |= C_HEX;
            CLASS[c - 32] |= C_HEX;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] |= C_PHRASE;
        }
        for (char c : new char[] {' ', '\t', '\n', '\r'}) {
            CLASS[c] |= C_PHRASE;
        }
        for (char c = 0; c < 128; c++) {
            if (CredentialShapes.isWordChar(c)) {
                CLASS[c] |= C_WORD;
            }
        }
        CLASS['='] |= T_EQUALS;
        CLASS[':'] |= T_COLON;
        CLASS['-'] |= T_DASH;
        CLASS['G'] |= T_UPPER_G;
        CLASS['J'] |= T_UPPER_J;
        CLASS['b'] |= T_LOWER_B;
        CLASS['B'] |= T_UPPER_B;
    }

    private Prescan() {
    }

    /**
     * Consecutive whole groups per class, one 16-bit lane each in a long: bits 0-15 hex, 16-31 word, 32-47 phrase.
     * {@code LANES[all]} keeps the lanes whose class the whole group is of; the others drop to 0.
     */
    private static final long[] LANES = new long[8];
    private static final long ONE_EACH = 1L | 1L << 16 | 1L << 32;
    /** Added to the lanes, sets a lane's top bit once it reaches its rule's number of groups. */
    private static final long REACHED = (0x8000L - HEX_GROUPS) | (0x8000L - PHRASE_GROUPS) << 32;
    private static final long HEX_REACHED = 0x8000L;
    private static final long PHRASE_REACHED = 0x8000L << 32;

    static {
        for (int k = 0; k < LANES.length; k++) {
            LANES[k] = ((k & C_HEX) != 0 ? 0xFFFFL : 0) | ((k & C_WORD) != 0 ? 0xFFFFL << 16 : 0)
                    | ((k & C_PHRASE) != 0 ? 0xFFFFL << 32 : 0);
        }
    }

    /** The rules that could match {@code s}, as a set of the flags above. */
    static int scan(String s) {
        int n = s.length();
        int seen = 0;
        int flags = 0;
        long lanes = 0;
        long reached = 0;
        int full = n & -GROUP;
        // chunks of 64 groups: one bit per group says "whole word characters", judged after the chunk, so the loop
        // over the characters has no branch at all
        for (int chunk = 0; chunk < full; chunk += CHUNK) {
            int limit = Math.min(full, chunk + CHUNK);
            long wordGroups = 0;
            for (int i = chunk; i < limit; i += GROUP) {
                int c0 = cls(s.charAt(i));
                int c1 = cls(s.charAt(i + 1));
                int c2 = cls(s.charAt(i + 2));
                int c3 = cls(s.charAt(i + 3));
                int c4 = cls(s.charAt(i + 4));
                int c5 = cls(s.charAt(i + 5));
                int c6 = cls(s.charAt(i + 6));
                int c7 = cls(s.charAt(i + 7));
                seen |= c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7;
                int all = c0 & c1 & c2 & c3 & c4 & c5 & c6 & c7;
                // lanes grow while their class holds for whole groups and drop to 0 otherwise
                lanes = (lanes + ONE_EACH) & LANES[all & 7];
                reached |= lanes + REACHED;
                wordGroups |= (long) ((all & C_WORD) >>> 1) << ((i - chunk) >>> 3);
            }
            if (wordGroups != 0 && (flags & SHAPE) == 0) {
                flags |= longWord(s, chunk, wordGroups);
            }
        }
        for (int i = full; i < n; i++) {
            seen |= cls(s.charAt(i));
        }
        if ((reached & HEX_REACHED) != 0) {
            flags |= HEX;
        }
        if ((reached & PHRASE_REACHED) != 0 && mayHoldSeedPhrase(s)) {
            flags |= MNEMONIC;
        }
        return seen < T_EQUALS ? flags : flags | literals(s, seen);
    }

    /**
     * {@link #SHAPE} if a word of {@link #SHAPE_LENGTH} characters holds one of the chunk's whole word groups: one
     * that follows another such group, or whose word has at least 5 characters on each side of it (at most 7 fit
     * on a side, so a word of one whole group and less is shorter). Each candidate word is measured once.
     */
    private static int longWord(String s, int chunk, long groups) {
        long afterAnother = groups & (groups << 1);
        int measured = 0;
        for (long g = groups; g != 0; g &= g - 1) {
            int k = Long.numberOfTrailingZeros(g);
            int i = chunk + k * GROUP;
            if (i < measured) {
                continue;
            }
            boolean twoGroups = (afterAnother >>> k & 1) != 0 || (k == 0 && chunk > 0);
            if (twoGroups || (i >= 5 && i + 12 < s.length() && isWord(s.charAt(i - 5)) && isWord(s.charAt(i + 12)))) {
                measured = wordEnd(s, i + GROUP);
                if (measured - wordStart(s, i) >= SHAPE_LENGTH) {
                    return SHAPE;
                }
            }
        }
        return 0;
    }

    private static int wordStart(String s, int i) {
        while (i > 0 && isWord(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    private static int wordEnd(String s, int i) {
        int n = s.length();
        while (i < n && isWord(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The flags whose trigger characters occur, confirmed with the literal where one is needed. */
    private static int literals(String s, int seen) {
        int flags = (seen & (T_EQUALS | T_COLON)) != 0 ? KEY_VALUE : 0;
        if ((seen & T_COLON) != 0) {
            int scheme = s.indexOf("://");
            if (scheme >= 0) {
                flags |= URL;
                if (hasHook(s, scheme)) {
                    flags |= WEBHOOK;
                }
            }
        }
        if ((seen & (T_DASH | T_UPPER_G)) == (T_DASH | T_UPPER_G) && s.indexOf("-----BEGIN") >= 0) {
            flags |= PEM;
        }
        if ((seen & T_UPPER_J) != 0 && s.indexOf("eyJ") >= 0) {
            flags |= JWT;
        }
        if ((seen & (T_LOWER_B | T_UPPER_B)) != 0 && s.indexOf("earer") > 0
                || (seen & T_UPPER_B) != 0 && s.indexOf("EARER") > 0) {
            flags |= BEARER;
        }
        return flags;
    }

    private static int cls(char c) {
        return c < 128 ? CLASS[c] : 0;
    }

    private static boolean isWord(char c) {
        return (cls(c) & C_WORD) != 0;
    }

    /**
     * Whether {@code s} has {@code MIN_WORDS} lower-case words of 3 to 8 letters in a row, separated by white
     * space: the shape of a seed phrase before the words are looked up in the list. Only runs on text with a long
     * run of lower case and spaces.
     */
    private static boolean mayHoldSeedPhrase(String s) {
        int lowerWords = 0;
        int wordLen = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                wordLen++;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (wordLen > 0) {
                    if (wordLen >= 3 && wordLen <= 8) {
                        if (++lowerWords >= Mnemonics.MIN_WORDS - 1) {
                            return true;
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
        }
        return false;
    }

    /** "hook" in any case at or after {@code from}: a webhook URL's host or path. Found by its rarest letter. */
    private static boolean hasHook(String s, int from) {
        return hookBefore(s, 'k', from) || hookBefore(s, 'K', from);
    }

    private static boolean hookBefore(String s, char k, int from) {
        for (int i = s.indexOf(k, from + 3); i >= 0; i = s.indexOf(k, i + 1)) {
            if (s.regionMatches(true, i - 3, "hoo", 0, 3)) {
                return true;
            }
        }
        return false;
    }
}
