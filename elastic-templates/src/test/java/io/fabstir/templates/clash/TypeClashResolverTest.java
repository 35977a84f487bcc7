package io.fabstir.templates.clash;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.templates.TemplateFields;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class TypeClashResolverTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> counted = new ArrayList<>();
    private final TypeClashResolver resolver = TypeClashResolver.of(TemplateFields.logs(),
            (field, kind) -> counted.add(field + "/" + kind.label()));

    private static ObjectNode doc(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private ObjectNode resolved(String json) throws Exception {
        ObjectNode d = doc(json);
        resolver.resolve(d);
        return d;
    }

    @Test
    void aStringErrorMovesToErrorMessageAndKeepsItsOriginal() throws Exception {
        ObjectNode d = doc("{\"message\":\"Job processing failed\",\"error\":\"CUDA out of memory\"}");
        List<Clash> clashes = resolver.resolve(d);
        assertThat(d.toString()).isEqualTo("{\"message\":\"Job processing failed\",\"error.message\":"
                + "\"CUDA out of memory\",\"fabstir.original\":{\"error\":\"CUDA out of memory\"}}");
        assertThat(clashes).containsExactly(new Clash("error", ClashKind.SCALAR_FOR_OBJECT, "error.message"));
    }

    @Test
    void aStringHostMovesToHostName() throws Exception {
        assertThat(resolved("{\"host\":\"gpu-7\"}").get("host.name").asText()).isEqualTo("gpu-7");
    }

    @Test
    void aStringServiceMovesToServiceName() throws Exception {
        assertThat(resolved("{\"service\":\"fabstir-node\"}").get("service.name").asText()).isEqualTo("fabstir-node");
    }

    @Test
    void aStringEventMovesToEventAction() throws Exception {
        assertThat(resolved("{\"event\":\"job.completed\"}").get("event.action").asText()).isEqualTo("job.completed");
    }

    @Test
    void aStringLogIsTheMessageWhenTheRecordHasNone() throws Exception {
        assertThat(resolved("{\"log\":\"GET /health 200\\n\",\"stream\":\"stdout\"}").get("message").asText())
                .isEqualTo("GET /health 200\n");
    }

    @Test
    void aStringLogGoesToALabelWhenTheMessageIsTaken() throws Exception {
        ObjectNode d = resolved("{\"message\":\"hi\",\"log\":\"raw\"}");
        assertThat(d.get("message").asText()).isEqualTo("hi");
        assertThat(d.get("labels.log").asText()).isEqualTo("raw");
    }

    @Test
    void aNumericUserIsTheUserIdAndATextUserTheUserName() throws Exception {
        assertThat(resolved("{\"user\":42}").get("user.id").asInt()).isEqualTo(42);
        assertThat(resolved("{\"user\":\"alice\"}").get("user.name").asText()).isEqualTo("alice");
    }

    @Test
    void aNumericProcessIsThePidAndATextProcessTheProcessName() throws Exception {
        assertThat(resolved("{\"process\":4711}").get("process.pid").asInt()).isEqualTo(4711);
        assertThat(resolved("{\"process\":\"worker\"}").get("process.name").asText()).isEqualTo("worker");
    }

    @Test
    void aScalarWithNoEcsFieldOfItsOwnBecomesALabel() throws Exception {
        assertThat(resolved("{\"log\":{\"origin\":\"main.go:12\"}}").get("labels.log_origin").asText())
                .isEqualTo("main.go:12");
    }

    @Test
    void aFieldTheTemplateDoesNotDeclareIsNoClash() throws Exception {
        assertThat(resolver.resolve(doc("{\"requestId\":\"r-1\",\"req\":\"GET /jobs\"}"))).isEmpty();
    }

    @Test
    void aStringUrlIsItsOriginalABareResponseNumberItsStatusAndAStringHttpALabel() throws Exception {
        ObjectNode d = resolved("{\"url\":\"https://x/jobs?id=1\",\"http\":{\"response\":503},\"labels.x\":\"y\"}");
        assertThat(d.get("url.original").asText()).isEqualTo("https://x/jobs?id=1");
        assertThat(d.at("/http/response.status_code").asInt()).isEqualTo(503);
        assertThat(resolved("{\"http\":\"GET /jobs\"}").get("labels.http").asText()).isEqualTo("GET /jobs");
    }

    @Test
    void aStringLabelsBecomesATag() throws Exception {
        assertThat(resolved("{\"labels\":\"canary\"}").get("tags").asText()).isEqualTo("canary");
    }

    @Test
    void aTextTraceSpanAndDeploymentGoToTheirIds() throws Exception {
        ObjectNode d = resolved("{\"trace\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span\":\"00f067aa0ba902b7\","
                + "\"deployment\":\"prod\"}");
        assertThat(d.get("trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(d.get("span.id").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(d.get("deployment.environment").asText()).isEqualTo("prod");
    }

    @Test
    void aNestedScalarMovesBesideItselfInItsObject() throws Exception {
        ObjectNode d = resolved("{\"fabstir\":{\"node_id\":\"n-1\",\"job\":\"j-9\"}}");
        assertThat(d.path("fabstir").get("job.id").asText()).isEqualTo("j-9");
        assertThat(d.path("fabstir.original").get("fabstir.job").asText()).isEqualTo("j-9");
    }

    @Test
    void aTakenHomeFallsBackToALabel() throws Exception {
        ObjectNode d = resolved("{\"error\":\"boom\",\"error.message\":\"already here\"}");
        assertThat(d.get("error.message").asText()).isEqualTo("already here");
        assertThat(d.get("labels.error").asText()).isEqualTo("boom");
    }

    @Test
    void aListOfScalarsWhereAnObjectIsMovesAsAList() throws Exception {
        assertThat(resolved("{\"host\":[\"a\",\"b\"]}").get("host.name").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void anObjectAtAKeywordLeafBecomesItsJsonText() throws Exception {
        ObjectNode d = doc("{\"log.level\":{\"name\":\"info\",\"value\":30}}");
        List<Clash> clashes = resolver.resolve(d);
        assertThat(d.get("log.level").asText()).isEqualTo("{\"name\":\"info\",\"value\":30}");
        assertThat(d.path("fabstir.original").path("log.level").path("value").asInt()).isEqualTo(30);
        assertThat(clashes).containsExactly(new Clash("log.level", ClashKind.OBJECT_FOR_LEAF, "log.level"));
    }

    @Test
    void anObjectAtANumericLeafLeavesItAndIsKeptAsTheOriginal() throws Exception {
        ObjectNode d = doc("{\"event\":{\"duration\":{\"ms\":12}}}");
        List<Clash> clashes = resolver.resolve(d);
        assertThat(d.path("event").has("duration")).isFalse();
        assertThat(d.path("fabstir.original").path("event.duration").path("ms").asInt()).isEqualTo(12);
        assertThat(clashes).containsExactly(new Clash("event.duration", ClashKind.OBJECT_FOR_LEAF, null));
    }

    @Test
    void anObjectUnderALabelBecomesItsJsonText() throws Exception {
        ObjectNode d = resolved("{\"labels\":{\"ctx\":{\"user\":\"bob\"}}}");
        assertThat(d.path("labels").get("ctx").asText()).isEqualTo("{\"user\":\"bob\"}");
    }

    @Test
    void aDottedNameReachingBelowALeafIsKeptOnlyAsTheOriginal() throws Exception {
        ObjectNode d = doc("{\"error.message.text\":\"x\"}");
        List<Clash> clashes = resolver.resolve(d);
        assertThat(d.has("error.message.text")).isFalse();
        assertThat(d.path("fabstir.original").get("error.message.text").asText()).isEqualTo("x");
        assertThat(clashes).containsExactly(new Clash("error.message.text", ClashKind.OBJECT_FOR_LEAF, null));
        assertThat(counted).containsExactly("error.message/object_for_leaf");
    }

    @Test
    void aCleanRecordIsLeftAsItIsAndReportsNothing() throws Exception {
        String clean = "{\"@timestamp\":\"2026-11-24T07:00:00.123Z\",\"log.level\":\"INFO\",\"message\":\"hi\","
                + "\"host\":{\"name\":\"gpu-1\"},\"error.type\":\"X\",\"labels.attempt\":3,\"requestId\":{\"a\":1},"
                + "\"fabstir.overflow\":{\"deep\":{\"x\":[1,{\"y\":2}]}},\"tags\":[\"a\"],\"absent\":null}";
        ObjectNode d = doc(clean);
        assertThat(resolver.resolve(d)).isEmpty();
        assertThat(d).isEqualTo(doc(clean));
        assertThat(counted).isEmpty();
    }

    @Test
    void aScalarWhereADisabledObjectIsStillClashes() throws Exception {
        assertThat(resolved("{\"fabstir.overflow\":\"x\"}").get("labels.fabstir_overflow").asText()).isEqualTo("x");
    }

    @Test
    void originalsJoinThoseTheEdgeAlreadyKept() throws Exception {
        ObjectNode d = resolved("{\"fabstir.original\":{\"host\":\"kept at the edge\"},\"host\":\"gpu-1\"}");
        assertThat(d.get("fabstir.original").toString())
                .isEqualTo("{\"host\":\"kept at the edge\",\"host#2\":\"gpu-1\"}");
    }

    @Test
    void theCounterIsToldTheTemplatesBoundedName() throws Exception {
        resolved("{\"error\":\"boom\",\"labels\":{\"ctx\":{\"a\":1}}}");
        assertThat(counted).containsExactly("error/scalar_for_object", "labels.*/object_for_leaf");
    }

    /**
     * Every path the template declares, given every shape of value, flat and nested: resolving leaves no clash
     * behind (a second pass finds none), and whatever was moved is kept under fabstir.original.
     */
    @Test
    void noClashIsLeftAnywhereInTheTemplateAndNothingIsLost() throws Exception {
        TemplateFields fields = TemplateFields.logs();
        Set<String> paths = new TreeSet<>(fields.objectPaths());
        paths.addAll(fields.leafPaths().keySet());
        paths.add("labels.custom");
        String[] values = {"\"x\"", "7", "true", "[\"a\",\"b\"]", "[1,{\"a\":1}]", "{\"a\":{\"b\":1}}",
            "[{\"a\":1}]"};
        int clashes = 0;
        for (String path : paths) {
            for (String value : values) {
                for (boolean nested : new boolean[] {false, true}) {
                    ObjectNode d = nested ? nestedDoc(path, value) : doc("{\"" + path + "\":" + value + "}");
                    List<Clash> found = resolver.resolve(d);
                    assertThat(resolver.resolve(d)).as("%s = %s (nested %s) → %s", path, value, nested, d).isEmpty();
                    for (Clash c : found) {
                        assertThat(d.path(TypeClashResolver.ORIGINAL).get(c.path())).as("original of %s", c.path())
                                .isNotNull();
                    }
                    clashes += found.size();
                }
            }
        }
        assertThat(clashes).isGreaterThan(100);
    }

    private static ObjectNode nestedDoc(String path, String value) throws Exception {
        StringBuilder json = new StringBuilder();
        String[] parts = path.split("\\.");
        for (String part : parts) {
            json.append("{\"").append(part).append("\":");
        }
        json.append(value).append("}".repeat(parts.length));
        return doc(json.toString());
    }

    @Test
    void theMarkerNamesThePath() {
        assertThat(new Clash("host", ClashKind.SCALAR_FOR_OBJECT, "host.name").marker()).isEqualTo("type_clash:host");
    }
}
