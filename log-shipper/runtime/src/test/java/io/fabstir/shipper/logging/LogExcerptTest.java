package io.fabstir.shipper.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogExcerptTest {

    @Test
    void aShortValueIsQuotedWhole() {
        assertThat(LogExcerpt.of("mapper_parsing_exception: labels").toString())
                .isEqualTo("mapper_parsing_exception: labels");
        assertThat(LogExcerpt.of(null).toString()).isEqualTo("null");
    }

    @Test
    void aLongValueIsCutToAFewHundredCharactersWithItsOriginalLength() {
        String reason = "failed to parse field [labels." + "x".repeat(10_000) + "]";
        String quoted = LogExcerpt.of(reason).toString();
        assertThat(quoted).startsWith("failed to parse field [labels.xxx").endsWith("… (10031 chars)");
        assertThat(quoted.length()).isLessThan(LogExcerpt.MAX_CHARS + 20);
    }

    @Test
    void aSurrogatePairAtTheCutIsNotSplit() {
        String text = "a".repeat(LogExcerpt.MAX_CHARS - 1) + "\uD83D\uDE00" + "tail";
        assertThat(LogExcerpt.cut(text)).startsWith("a".repeat(LogExcerpt.MAX_CHARS - 1) + "…");
    }
}
