package io.fabstir.templates.clash;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabstir.templates.TemplateFields;
import io.fabstir.templates.TemplateFields.Kind;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of ECS homes is checked against the template resources, so the two cannot drift apart. */
class ScalarHomesTest {
    private final TemplateFields fields = TemplateFields.logs();

    @Test
    void everyHomeIsALeafOfTheTemplate() {
        for (Map.Entry<String, List<ScalarHomes.Home>> e : ScalarHomes.TABLE.entrySet()) {
            for (ScalarHomes.Home home : e.getValue()) {
                assertThat(fields.kind(home.path())).as("home %s of %s", home.path(), e.getKey())
                        .isEqualTo(Kind.LEAF);
            }
        }
    }

    @Test
    void everyHomeTakesTheValuesItIsChosenFor() {
        for (Map.Entry<String, List<ScalarHomes.Home>> e : ScalarHomes.TABLE.entrySet()) {
            for (ScalarHomes.Home home : e.getValue()) {
                String type = fields.type(home.path());
                assertThat(TypeClashResolver.takes(type, IntNode.valueOf(42))).as("%s takes a number", home.path())
                        .isTrue();
                if (!home.numbersOnly()) {
                    assertThat(TypeClashResolver.takes(type, TextNode.valueOf("web-1")))
                            .as("%s takes text", home.path()).isTrue();
                }
            }
        }
    }

    @Test
    void everyHomeIsUnderTheObjectItServesOrSaysWhyNot() {
        // "log" → "message" (Docker's line) and "labels" → "tags" (ECS) are the two deliberate exceptions
        Set<String> crossing = new HashSet<>();
        ScalarHomes.TABLE.forEach((object, homes) -> homes.stream()
                .filter(h -> !h.path().startsWith(object + ".")).forEach(h -> crossing.add(object)));
        assertThat(crossing).containsExactlyInAnyOrder("log", "labels");
    }

    @Test
    void everyObjectOfTheTemplateHasADecidedHome() {
        Set<String> decided = new HashSet<>(ScalarHomes.TABLE.keySet());
        decided.addAll(ScalarHomes.LABELS);
        assertThat(decided).containsAll(fields.objectPaths());
    }

    @Test
    void everyDecisionNamesAnObjectOfTheTemplate() {
        for (String object : ScalarHomes.TABLE.keySet()) {
            assertThat(fields.kind(object)).as(object).isEqualTo(Kind.OBJECT);
        }
        for (String object : ScalarHomes.LABELS) {
            assertThat(fields.kind(object)).as(object).isEqualTo(Kind.OBJECT);
        }
    }

    @Test
    void theLabelsFallbackIsAKeywordLeaf() {
        for (String object : ScalarHomes.LABELS) {
            String label = ScalarHomes.labelFor(object);
            assertThat(fields.kind(label)).as(label).isEqualTo(Kind.LEAF);
            assertThat(fields.type(label)).as(label).isEqualTo("keyword");
        }
    }
}
