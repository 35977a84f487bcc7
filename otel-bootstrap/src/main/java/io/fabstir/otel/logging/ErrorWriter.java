package io.fabstir.otel.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.fabstir.enrichers.redact.Redactor;

import java.nio.charset.StandardCharsets;

/**
 * An event's throwable as {@code error.type}, {@code error.message} and {@code error.stack_trace} (one field, in
 * Java's own {@code printStackTrace} layout, causes and suppressed ones included), with every message redacted.
 */
final class ErrorWriter {

    private static final byte[] ERROR_TYPE = bytes(",\"error.type\":");
    private static final byte[] ERROR_MESSAGE = bytes(",\"error.message\":");
    private static final byte[] ERROR_STACK = bytes(",\"error.stack_trace\":\"");

    private final Redactor redactor;
    private final int maxFieldLength;
    private final int maxStackTraceLength;

    ErrorWriter(Redactor redactor, int maxFieldLength, int maxStackTraceLength) {
        this.redactor = redactor;
        this.maxFieldLength = maxFieldLength;
        this.maxStackTraceLength = maxStackTraceLength;
    }

    void write(JsonBuffer out, Scratch s, IThrowableProxy error) {
        out.raw(ERROR_TYPE);
        out.quoted(error.getClassName(), -1);
        String message = error.getMessage() == null ? null : redactor.redactText(error.getMessage());
        if (message != null) {
            out.raw(ERROR_MESSAGE);
            out.quoted(message, maxFieldLength);
        }
        // the whole trace is gathered as chars first (cheap bulk copies), then escaped in one pass
        Scratch.Chars trace = s.stack;
        trace.reset();
        stackTrace(trace, error, message, "", "", 0);
        out.raw(ERROR_STACK);
        out.ensure(trace.length * 6 + 4);
        out.escapedLongChars(trace.chars, trace.length);
        out.raw((byte) '"');
    }

    /** Java's own printStackTrace layout; messages are redacted. Stops near maxStackTraceLength chars. */
    private void stackTrace(Scratch.Chars sb, IThrowableProxy t, String caption, String indent, int depth) {
        stackTrace(sb, t, t.getMessage() == null ? null : redactor.redactText(t.getMessage()), caption, indent, depth);
    }

    /** @param red t's message, already redacted (the top one is also error.message: redacted once for both) */
    private void stackTrace(Scratch.Chars sb, IThrowableProxy t, String red, String caption, String indent,
            int depth) {
        if (depth > 16) {
            return;
        }
        sb.append(indent).append(caption).append(t.getClassName());
        if (red != null) {
            sb.append(": ").append(red.length() > maxFieldLength ? red.substring(0, maxFieldLength) + "…" : red);
        }
        StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
        int shown = frames.length - t.getCommonFrames();
        for (int i = 0; i < shown; i++) {
            if (sb.length > maxStackTraceLength) {
                sb.append("\n\t...");
                return;
            }
            sb.append('\n').append('\t').append(indent).append(frames[i].getSTEAsString()); // "at ...", cached
        }
        if (t.getCommonFrames() > 0) {
            sb.append('\n').append('\t').append(indent).append("... ").append(t.getCommonFrames()).append(" more");
        }
        IThrowableProxy[] suppressed = t.getSuppressed();
        if (suppressed != null) {
            for (IThrowableProxy sup : suppressed) {
                sb.append('\n');
                stackTrace(sb, sup, "Suppressed: ", indent + "\t", depth + 1);
            }
        }
        IThrowableProxy cause = t.getCause();
        if (cause != null && sb.length <= maxStackTraceLength) {
            sb.append('\n');
            stackTrace(sb, cause, "Caused by: ", indent, depth + 1);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
