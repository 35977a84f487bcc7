package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.enrichers.LogRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code formats:} section of the edge YAML, read as the shipper's loader will hand it over. */
class FormatConfigTest {

    /** The mapper for a YAML document holding a {@code formats:} section. */
    private static FormatMapper mapper(String yaml) throws Exception {
        JsonNode root = Fixtures.YAML.readTree(yaml);
        return FormatMapper.builder().config(FormatConfig.read(root.get(FormatConfig.KEY))).build();
    }

    private static LogRecord map(FormatMapper mapper, String line) {
        LogRecord r = LogRecord.parse(line);
        mapper.map(r);
        return r;
    }

    @Test
    void anAbsentSectionMeansTheBuiltInFormats() {
        FormatConfig c = FormatConfig.read(null);
        assertThat(c).isEqualTo(FormatConfig.defaults());
        assertThat(c.enabled()).isTrue();
        assertThat(c.keepOriginals()).isTrue();
    }

    @Test
    void aCustomFormatMovesItsFieldsAndSetsItsDataset() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  custom:
                    - name: acme
                      match: { has: [acme_ts, acme_msg] }
                      dataset: acme.app
                      move:
                        acme_ts: "@timestamp"
                        acme_msg: message
                        sev: { to: log.level, as: level }
                """);
        LogRecord r = map(m, "{\"acme_ts\":\"2024-11-24T08:00:00Z\",\"acme_msg\":\"hi\",\"sev\":\"warning\"}");
        assertThat(r.text("fabstir.format")).isEqualTo("acme");
        assertThat(r.text("message")).isEqualTo("hi");
        assertThat(r.text("@timestamp")).isEqualTo("2024-11-24T08:00:00Z");
        assertThat(r.text("log.level")).isEqualTo("WARN");
        assertThat(r.text("event.dataset")).isEqualTo("acme.app");
        assertThat(r.get(FormatMapper.ORIGINAL).get("acme_msg").asText()).isEqualTo("hi");
    }

    @Test
    void aCustomMatchSetsTheDatasetOfABuiltInFormatsRecords() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  custom:
                    - name: billing
                      match: { equals: { service: billing } }
                      like: winston
                      dataset: fabstir.billing
                """);
        LogRecord billing = map(m, "{\"level\":\"info\",\"message\":\"invoice sent\",\"service\":\"billing\"}");
        assertThat(billing.text("fabstir.format")).isEqualTo("billing");
        assertThat(billing.text("event.dataset")).isEqualTo("fabstir.billing");
        assertThat(billing.text("service.name")).as("mapped as winston after its own moves").isEqualTo("billing");
        assertThat(billing.text("log.level")).isEqualTo("INFO");

        LogRecord other = map(m, "{\"level\":\"info\",\"message\":\"hi\",\"service\":\"fabstir-node\"}");
        assertThat(other.text("fabstir.format")).isEqualTo("winston");
        assertThat(other.text("event.dataset")).isEqualTo("fabstir.app");
    }

    @Test
    void aCustomFormatIsTriedBeforeTheEcsCheck() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  custom:
                    - name: tagged
                      match: { has: [team] }
                      dataset: team.app
                """);
        LogRecord r = map(m, "{\"@timestamp\":\"2024-11-24T08:00:00.000Z\",\"log.level\":\"INFO\",\"team\":\"gpu\"}");
        assertThat(r.text("event.dataset")).isEqualTo("team.app");
    }

    @Test
    void aRenameKeepsTheFieldInItsObject() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  overrides:
                    pino:
                      rename: { ctx.reqId: request_id }
                """);
        LogRecord r = map(m, "{\"level\":30,\"time\":1531171074631,\"msg\":\"m\",\"ctx\":{\"reqId\":\"r-1\",\"a\":1}}");
        assertThat(r.text("ctx.request_id")).isEqualTo("r-1");
        assertThat(r.has("ctx.reqId")).isFalse();
        assertThat(r.get(FormatMapper.ORIGINAL).get("ctx.reqId").asText()).isEqualTo("r-1");
    }

    @Test
    void anOverrideMovesAFieldOfABuiltInFormat() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  overrides:
                    winston:
                      move: { requestId: http.request.id }
                """);
        LogRecord r = map(m, "{\"level\":\"info\",\"message\":\"m\",\"requestId\":\"req-9\",\"jobId\":\"j-1\"}");
        assertThat(r.text("http.request.id")).isEqualTo("req-9");
        assertThat(r.text("fabstir.job.id")).as("the built-in moves still apply").isEqualTo("j-1");
    }

    @Test
    void anOverrideReplacesABuiltInMoveOfTheSameField() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  overrides:
                    pino:
                      move: { name: service.name }
                """);
        LogRecord r = map(m, "{\"level\":30,\"time\":1531171074631,\"msg\":\"m\",\"name\":\"gateway\"}");
        assertThat(r.text("service.name")).isEqualTo("gateway");
        assertThat(r.has("log.logger")).isFalse();
    }

    @Test
    void aNullTargetStopsABuiltInMove() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  overrides:
                    winston:
                      move: { model: ~ }
                """);
        LogRecord r = map(m, "{\"level\":\"info\",\"message\":\"model loaded\",\"model\":\"llama\"}");
        assertThat(r.text("model")).isEqualTo("llama");
        assertThat(r.has("fabstir.job.model")).isFalse();
    }

    @Test
    void anOverrideSetsTheDatasetOfAFormat() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  overrides:
                    pino: { dataset: gateway.app }
                """);
        assertThat(map(m, "{\"level\":30,\"time\":1531171074631,\"msg\":\"m\"}").text("event.dataset"))
                .isEqualTo("gateway.app");
    }

    @Test
    void theGuidesEventStillNamesTheDatasetOfAFormatWithADataset() throws Exception {
        FormatMapper m = mapper("""
                formats:
                  overrides:
                    winston: { dataset: fabstir.node }
                """);
        assertThat(map(m, "{\"level\":\"info\",\"event\":\"job.completed\",\"jobId\":\"j\"}").text("event.dataset"))
                .isEqualTo("fabstir.job");
        assertThat(map(m, "{\"level\":\"info\",\"message\":\"m\"}").text("event.dataset")).isEqualTo("fabstir.node");
    }

    @Test
    void keepOriginalsAndEnabledAreRead() throws Exception {
        FormatConfig c = FormatConfig.read(Fixtures.YAML.readTree("enabled: false\nkeep_originals: false\n"));
        assertThat(c.enabled()).isFalse();
        assertThat(c.keepOriginals()).isFalse();
    }

    @Test
    void anUnknownKeyIsNamedWithWhatIsKnown() {
        assertThatThrownBy(() -> mapper("""
                formats:
                  custom:
                    - name: x
                      mach: { has: [a] }
                """)).isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.custom[0].mach: unknown key")
                .hasMessageContaining("match")
                .extracting(e -> ((FormatConfigException) e).key()).isEqualTo("formats.custom[0].mach");
    }

    @Test
    void aValueOfTheWrongShapeIsNamed() {
        assertThatThrownBy(() -> mapper("formats:\n  custom: { name: x }\n"))
                .isInstanceOf(FormatConfigException.class).hasMessageStartingWith("formats.custom");
        assertThatThrownBy(() -> mapper("formats: [a, b]\n"))
                .isInstanceOf(FormatConfigException.class).hasMessageStartingWith("formats: must be a map");
    }

    @Test
    void anUnknownConversionIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> mapper("""
                formats:
                  overrides:
                    zap:
                      move: { sev: { to: log.level, as: lvl } }
                """)).isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.overrides.zap.move.sev.as: unknown conversion 'lvl'")
                .hasMessageContaining("level, ms_to_ns");
    }

    @Test
    void anOverrideOfAFormatThatIsNotBuiltInIsRefused() {
        assertThatThrownBy(() -> mapper("formats:\n  overrides:\n    log4js: { dataset: x }\n"))
                .isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.overrides.log4js: no built-in format")
                .hasMessageContaining("winston");
    }

    @Test
    void aCustomFormatNeedsAMatchThatCannotTakeEveryRecord() {
        assertThatThrownBy(() -> mapper("formats:\n  custom:\n    - name: x\n      dataset: d\n"))
                .isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.custom[0].match: is required");
        assertThatThrownBy(() -> mapper("formats:\n  custom:\n    - name: x\n      match: {}\n"))
                .isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.custom[0].match: needs at least one of");
    }

    @Test
    void aBadPatternIsNamed() {
        assertThatThrownBy(() -> mapper("formats:\n  custom:\n    - name: x\n      match: { pattern: { a: \"(\" } }\n"))
                .isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.custom[0].match.pattern.a: is not a regular expression");
    }

    @Test
    void aCustomNameMustBeNewAndLikeMustBeBuiltIn() {
        assertThatThrownBy(() -> mapper("formats:\n  custom:\n    - name: pino\n      match: { has: [a] }\n"))
                .isInstanceOf(FormatConfigException.class).hasMessageStartingWith("formats.custom[0].name:");
        assertThatThrownBy(() -> mapper("formats:\n  custom:\n    - name: y\n      match: { has: [a] }\n"
                + "      like: log4js\n"))
                .isInstanceOf(FormatConfigException.class).hasMessageStartingWith("formats.custom[0].like:");
    }

    @Test
    void aRenameTakesANameNotAPath() {
        assertThatThrownBy(() -> mapper("formats:\n  overrides:\n    pino:\n      rename: { a: b.c }\n"))
                .isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.overrides.pino.rename.a:").hasMessageContaining("use move");
    }

    @Test
    void aMoveNeedsAFieldPath() {
        assertThatThrownBy(() -> mapper("formats:\n  overrides:\n    pino:\n      move: { a: \"b..c\" }\n"))
                .isInstanceOf(FormatConfigException.class)
                .hasMessageStartingWith("formats.overrides.pino.move.a: needs a dotted field path");
    }
}
