package io.fabstir.shipper.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OwnLogRedactionTest {
    private static final String PASSWORD = "Hv7qLw2pXc9TzR4m";
    private static final String KEY = "9f86d081884c7d659a2feaa0c55ad015";

    @Test
    void theEncoderMasksASecretInAClientLibrarysExceptionAndKeepsTheRest() {
        LoggerContext context = new LoggerContext();
        RedactingPatternLayoutEncoder encoder = new RedactingPatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%-5level %logger - %msg%n");
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.fabstir.shipper.index.IndexLoop"),
                Level.WARN, "sink failed after {} records (tokens_used=512)", new IOException(
                        "cannot connect to https://elastic:" + PASSWORD + "@es.internal:9200/_bulk?api_key=" + KEY),
                new Object[] {42});

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).startsWith("WARN  io.fabstir.shipper.index.IndexLoop - sink failed after 42 records "
                + "(tokens_used=512)").contains("java.io.IOException: cannot connect to https://", "es.internal:9200",
                "at io.fabstir.shipper.logging.OwnLogRedactionTest").doesNotContain(PASSWORD, KEY);
    }

    @Test
    void aConsoleLineIsJudgedWholeWhenItIsPrintedInPieces() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        RedactingStream stream = new RedactingStream(new PrintStream(sink, true, StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        PrintStream console = new PrintStream(stream, true, StandardCharsets.UTF_8);

        console.print("Unmatched argument: 'postgres://fabstir:" + PASSWORD.substring(0, 8));
        console.print(PASSWORD.substring(8) + "@db:5432/jobs'");
        String beforeTheNewline = sink.toString(StandardCharsets.UTF_8);
        console.println();
        console.println("next line, token_count=77");

        assertThat(beforeTheNewline).isEmpty();
        assertThat(sink.toString(StandardCharsets.UTF_8))
                .doesNotContain(PASSWORD.substring(0, 8), PASSWORD.substring(8)).contains("@db:5432/jobs'\n", "next line, token_count=77\n");
    }

    @Test
    void theKeyOfAConfiguredUrlIsMaskedEvenWhereAnErrorEchoesItAlone() {
        String key = "c0ffee" + "Tz4kq9Wm2Lx7Pv3Rn8Bd";
        String shown = OwnLogRedaction.knownUrl("https://rpc.unknown-provider.example/" + key + "?chain=eth");

        assertThat(shown).isEqualTo("https://rpc.unknown-provider.example/[REDACTED]?chain=eth");
        assertThat(OwnLogRedaction.text("HTTP 401: {\"error\":\"project " + key + " is not enabled\"}"))
                .isEqualTo("HTTP 401: {\"error\":\"project [REDACTED] is not enabled\"}");
        assertThat(OwnLogRedaction.text("chain=eth rpc.unknown-provider.example")).as("what the URL shows stays")
                .isEqualTo("chain=eth rpc.unknown-provider.example");
    }
}
