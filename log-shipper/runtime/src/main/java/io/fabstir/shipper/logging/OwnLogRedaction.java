package io.fabstir.shipper.logging;

import io.fabstir.enrichers.redact.Redactor;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The rules every line of the shipper's own output goes through, whatever wrote it: its Logback lines
 * ({@link RedactingPatternLayoutEncoder}), and everything else that reaches stdout or stderr (picocli's messages, a
 * configuration error, an uncaught exception's stack trace printed by the JVM, a client library that prints), once
 * {@link #redactConsole()} has run. A secret in an exception message from a Kafka, Elasticsearch or web3j client is
 * caught as well as one in the shipper's own words.
 *
 * <p>The rules are the records' ({@link Redactor#defaults()}); a command whose settings add sensitive names or
 * patterns (tail's {@code redaction.keys}, {@code redaction.patterns}) passes them on with {@link #use}. They are
 * never switched off here: turning off the redaction of shipped records does not expose the shipper's own log.
 * Besides the rules, the secrets the process itself was given ({@link #knownSecret}, {@link #knownUrl}: a token, the
 * key in its RPC URL) are masked wherever they turn up, whatever their shape: a provider's error page that echoes
 * only the key, without the URL around it, is caught too.
 */
public final class OwnLogRedaction {

    /** Shorter pieces of a URL (a version, a chain name) are no secret, and masking them would garble lines. */
    static final int MIN_KNOWN_LENGTH = 8;
    private static volatile Redactor redactor = Redactor.defaults();
    private static final Set<String> KNOWN = new CopyOnWriteArraySet<>();
    private static boolean consoleRedacted;

    private OwnLogRedaction() {
    }

    /** The rules in force. */
    public static Redactor redactor() {
        return redactor;
    }

    /** Replaces the rules (a disabled redactor is refused: the own log is always redacted). */
    public static void use(Redactor rules) {
        Objects.requireNonNull(rules, "rules");
        if (!rules.isEnabled()) {
            throw new IllegalArgumentException("the shipper's own log is always redacted");
        }
        redactor = rules;
    }

    /** Masks the secrets of one line or message with the rules in force, and every known secret. */
    public static String text(String text) {
        String shown = redactor.redactText(text);
        if (shown == null) {
            return null;
        }
        for (String secret : KNOWN) {
            if (shown.contains(secret)) {
                shown = shown.replace(secret, Redactor.MASK);
            }
        }
        return shown;
    }

    /** Shows a URL that may carry a credential (userinfo, a key in its path or query): {@link Redactor#redactUrl}. */
    public static String url(String url) {
        return redactor.redactUrl(url);
    }

    /** A secret this process holds (a token read from its file): masked in every line from now on. */
    public static void knownSecret(String secret) {
        if (secret != null && secret.length() >= MIN_KNOWN_LENGTH) {
            KNOWN.add(secret);
        }
    }

    /**
     * A URL this process was configured with: the pieces {@link #url} hides (a password, a key in the path or the
     * query; not a user name) become {@linkplain #knownSecret known secrets}. Returns the URL as it may be shown.
     */
    public static String knownUrl(String url) {
        String shown = url(url);
        if (url == null || shown.equals(url)) {
            return shown;
        }
        for (String piece : url.split("[/?&=#;@]")) {
            String candidate = piece;
            int colon = piece.indexOf(':');
            if (colon >= 0 && !shown.contains(piece)) {
                candidate = piece.substring(colon + 1); // user:password: the password
            }
            if (!shown.contains(candidate)) {
                knownSecret(candidate);
            }
        }
        return shown;
    }

    /**
     * Puts {@code System.out} and {@code System.err} behind the rules, a line at a time (for the process's
     * {@code main}: a library's own copy of the streams, taken earlier, is not covered).
     */
    public static synchronized void redactConsole() {
        if (consoleRedacted) {
            return;
        }
        consoleRedacted = true;
        // What the JDK's own streams encode with (PrintStream.charset() is Java 18+).
        Charset charset = Charset.defaultCharset();
        RedactingStream err = new RedactingStream(System.err, charset);
        RedactingStream out = new RedactingStream(System.out, charset);
        System.setErr(new PrintStream(err, true, charset));
        System.setOut(new PrintStream(out, true, charset));
        // A last line without its newline (a dying command's message) is written at exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.drain();
            err.drain();
        }, "own-log-redaction-drain"));
    }
}
