package io.fabstir.shipper.tail;

import io.fabstir.enrichers.LogRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LineDecoderTest {

    private final LineDecoder decoder = new LineDecoder();

    private LogRecord decode(byte[] b) {
        return decoder.decode(b, 0, b.length, b.length);
    }

    private LogRecord decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonObjectIsUsedAsItIs() {
        LogRecord r = decode("{\"message\":\"hi\",\"log.level\":\"INFO\"}\r");
        assertThat(decoder.lastUnparsed).isFalse();
        assertThat(r.text("message")).isEqualTo("hi");
        assertThat(r.has(LineDecoder.PARSE_ERROR)).isFalse();
    }

    @Test
    void plainTextIsWrappedWithTheParseError() {
        LogRecord r = decode("Starting GPU worker on cuda:0");
        assertThat(decoder.lastUnparsed).isTrue();
        assertThat(r.text("message")).isEqualTo("Starting GPU worker on cuda:0");
        assertThat(r.text("event.dataset")).isEqualTo("fabstir.unparsed");
        assertThat(r.text(LineDecoder.PARSE_ERROR)).startsWith("not JSON");
    }

    @Test
    void theParseErrorDoesNotQuoteTheLinesText() {
        String body = "N7RcIvjhPTnEq1w2e3r4t5y6u7i8o9p0aSdFgHjKlZxCvBnM1234567890abcdEF";
        String reason = decode(body).text(LineDecoder.PARSE_ERROR);
        assertThat(reason).startsWith("not JSON: Unrecognized token").contains(" at column ").doesNotContain("N7Rc");
        assertThat(decode("password hunter2").text(LineDecoder.PARSE_ERROR)).doesNotContain("password", "hunter2");
    }

    @Test
    void brokenJsonAndNonObjectsAreWrapped() {
        assertThat(decode("{\"a\":1").text(LineDecoder.PARSE_ERROR)).startsWith("not JSON");
        assertThat(decode("{\"a\":1} trailing").text(LineDecoder.PARSE_ERROR)).startsWith("not JSON");
        assertThat(decode("[1,2]").text(LineDecoder.PARSE_ERROR)).isEqualTo("not a JSON object but array");
    }

    @Test
    void invalidUtf8IsWrappedWithReplacementCharactersAndThePosition() {
        byte[] b = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        LogRecord r = decode(b);
        assertThat(r.text(LineDecoder.PARSE_ERROR)).isEqualTo("invalid UTF-8 at byte 6 of the line (shown as U+FFFD)");
        assertThat(r.text("message")).contains("\uFFFD");
    }

    @Test
    void nulBytesAreWrappedAndShownAsReplacementCharacters() {
        byte[] b = "\0\0{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        LogRecord r = decode(b);
        assertThat(r.text(LineDecoder.PARSE_ERROR)).startsWith("2 NUL byte(s)");
        assertThat(r.text("message")).isEqualTo("\uFFFD\uFFFD{\"a\":1}");
    }

    @Test
    void anEmptyLineIsWrapped() {
        LogRecord r = decode("");
        assertThat(r.text("message")).isEmpty();
        assertThat(r.text(LineDecoder.PARSE_ERROR)).isEqualTo("empty line");
    }

    @Test
    void aTruncatedLineIsWrappedAndMarkedWithItsOriginalLength() {
        byte[] head = ("{\"message\":\"" + "é".repeat(10)).getBytes(StandardCharsets.UTF_8);
        LogRecord r = decoder.decode(head, 0, head.length - 1, 5_000_000); // cut inside the last 'é'
        assertThat(r.get(LineDecoder.TRUNCATED).asBoolean()).isTrue();
        assertThat(r.get(LineDecoder.ORIGINAL_BYTES).asLong()).isEqualTo(5_000_000);
        assertThat(r.text(LineDecoder.PARSE_ERROR)).contains("truncated");
        assertThat(r.text("message")).endsWith("é".repeat(9)).doesNotContain("\uFFFD");
    }
}
