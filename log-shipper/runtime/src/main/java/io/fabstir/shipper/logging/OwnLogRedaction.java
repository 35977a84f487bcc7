package io.fabstir.shipper.logging;

import io.fabstir.enrichers.redact.Redactor;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Objects;

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
 */
public final class OwnLogRedaction {

    private static volatile Redactor redactor = Redactor.defaults();
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

    /** Masks the secrets of one line or message with the rules in force. */
    public static String text(String text) {
        return redactor.redactText(text);
    }

    /** Shows a URL that may carry a credential (userinfo, a key in its path or query): {@link Redactor#redactUrl}. */
    public static String url(String url) {
        return redactor.redactUrl(url);
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
        Charset charset = Charset.defaultCharset(); // what the JDK's own streams encode with (PrintStream.charset() is 18+)
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
