package io.fabstir.shipper.tail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.LogRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one line's bytes into a record. A JSON object is used as it is; anything else (plain text, broken JSON,
 * invalid UTF-8, NUL bytes, an empty line, a truncated line) is wrapped as
 * {@code {"message": <text>, "event.dataset": "fabstir.unparsed", "fabstir.parse_error": <why>}} so that no line is
 * ever dropped. Not thread-safe (reuses decoders).
 */
final class LineDecoder {

    static final String UNPARSED_DATASET = "fabstir.unparsed";
    static final String PARSE_ERROR = "fabstir.parse_error";
    static final String TRUNCATED = "fabstir.truncated";
    static final String ORIGINAL_BYTES = "fabstir.original_bytes";
    private static final int MAX_REASON_CHARS = 300;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharsetDecoder lenient = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);

    /** Whether the last {@link #decode} wrapped the line. */
    boolean lastUnparsed;

    LogRecord decode(byte[] b, int off, int len, long fullLength) {
        if (len > 0 && b[off + len - 1] == '\r' && fullLength == len) {
            len--;
            fullLength--;
        }
        lastUnparsed = true;
        if (fullLength > len) {
            String text = text(b, off, cutAtCharBoundary(b, off, len));
            LogRecord r = wrap(text, "line of " + fullLength + " bytes truncated to its first " + len
                    + " bytes (max_line_bytes)");
            r.put(TRUNCATED, true);
            r.put(ORIGINAL_BYTES, fullLength);
            return r;
        }
        if (isBlank(b, off, len)) {
            return wrap(text(b, off, len), "empty line");
        }
        String jsonError;
        try {
            JsonNode node = JSON.readTree(b, off, len);
            if (node instanceof ObjectNode obj) {
                lastUnparsed = false;
                return LogRecord.of(obj);
            }
            jsonError = "not a JSON object but " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase());
        } catch (JsonProcessingException e) {
            jsonError = "not JSON: " + withoutQuotedText(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            jsonError = "not JSON: " + e.getMessage();
        }
        int nuls = 0;
        for (int i = off; i < off + len; i++) {
            if (b[i] == 0) {
                nuls++;
            }
        }
        String reason;
        String text;
        int bad = firstMalformed(b, off, len);
        if (nuls > 0) {
            reason = nuls + " NUL byte(s) in line (shown as U+FFFD)";
            text = text(b, off, len).replace('\0', '\uFFFD');
        } else if (bad >= 0) {
            reason = "invalid UTF-8 at byte " + bad + " of the line (shown as U+FFFD)";
            text = text(b, off, len);
        } else {
            reason = jsonError;
            text = text(b, off, len);
        }
        return wrap(text, reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason);
    }

    /**
     * The parser's message up to the text it quotes ("Unrecognized token 'N7Rc…'"): the line is already the
     * record's message, and a token cut out of it loses the context ({@code password=}, {@code -----BEGIN}) that
     * redaction needs to see it as a secret.
     */
    static String withoutQuotedText(String message) {
        if (message == null) {
            return "unreadable";
        }
        int cut = message.length();
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\'' || c == '"' || c == '(' || c == '\n') {
                cut = i;
                break;
            }
        }
        String head = message.substring(0, cut).strip();
        return head.endsWith(":") ? head.substring(0, head.length() - 1) : head;
    }

    static LogRecord wrap(String text, String reason) {
        LogRecord r = LogRecord.empty();
        r.put("message", text);
        r.put("event.dataset", UNPARSED_DATASET);
        r.put(PARSE_ERROR, reason);
        return r;
    }

    String text(byte[] b, int off, int len) {
        try {
            return lenient.decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Index of the first byte that is not valid UTF-8, or -1. */
    private int firstMalformed(byte[] b, int off, int len) {
        strict.reset();
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        CharBuffer out = CharBuffer.allocate(Math.max(16, len));
        var result = strict.decode(in, out, true);
        return result.isError() ? in.position() - off : -1;
    }

    /** Drops a multi-byte sequence cut in half by truncation. */
    private static int cutAtCharBoundary(byte[] b, int off, int len) {
        int i = len;
        int back = 0;
        while (i > 0 && back < 3 && (b[off + i - 1] & 0xC0) == 0x80) {
            i--;
            back++;
        }
        if (i > 0 && (b[off + i - 1] & 0xC0) == 0xC0) {
            int lead = b[off + i - 1] & 0xFF;
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            return need == back + 1 ? len : i - 1;
        }
        return len;
    }

    private static boolean isBlank(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
