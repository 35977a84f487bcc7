package io.fabstir.templates;

import io.fabstir.templates.TemplateFields.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TemplateFieldsTest {
    private final TemplateFields fields = TemplateFields.logs();

    @Test
    void errorIsAnObjectAndItsMessageATextLeaf() {
        assertThat(fields.kind("error")).isEqualTo(Kind.OBJECT);
        assertThat(fields.kind("error.message")).isEqualTo(Kind.LEAF);
        assertThat(fields.type("error.message")).isEqualTo("text");
    }

    @Test
    void readsEveryComponentTheIndexTemplateComposes() {
        assertThat(fields.type("log.level")).isEqualTo("keyword");           // fabstir-logs-ecs
        assertThat(fields.type("fabstir.job.tokens_used")).isEqualTo("long"); // fabstir-logs-fabstir
        assertThat(fields.kind("fabstir.job")).isEqualTo(Kind.OBJECT);
    }

    @Test
    void aLabelIsAKeywordLeafThroughTheDynamicTemplate() {
        assertThat(fields.kind("labels")).isEqualTo(Kind.OBJECT);
        assertThat(fields.kind("labels.gpu_index")).isEqualTo(Kind.LEAF);
        assertThat(fields.type("labels.gpu_index")).isEqualTo("keyword");
    }

    @Test
    void aPathBelowALeafIsBelowLeaf() {
        assertThat(fields.kind("error.message.text")).isEqualTo(Kind.BELOW_LEAF);
        assertThat(fields.kind("labels.ctx.user")).isEqualTo(Kind.BELOW_LEAF);
    }

    @Test
    void belowADisabledObjectIsFreeButTheObjectItselfStillWantsAnObject() {
        assertThat(fields.kind("fabstir.overflow.anything.deep")).isEqualTo(Kind.FREE);
        assertThat(fields.kind("fabstir.original.error")).isEqualTo(Kind.FREE);
        assertThat(fields.kind("fabstir.original")).isEqualTo(Kind.OBJECT);
    }

    @Test
    void anUndeclaredPathIsUnmapped() {
        assertThat(fields.kind("requestId")).isEqualTo(Kind.UNMAPPED);
        assertThat(fields.kind("fabstir.field.custom")).isEqualTo(Kind.UNMAPPED);
        assertThat(fields.type("requestId")).isNull();
    }

    @Test
    void acceptsOnlyTheShapeTheTemplateDeclares() {
        assertThat(fields.accepts("host", false)).isFalse();
        assertThat(fields.accepts("host", true)).isTrue();
        assertThat(fields.accepts("host.name", true)).isFalse();
        assertThat(fields.accepts("host.name", false)).isTrue();
        assertThat(fields.accepts("host.name.first", false)).isFalse();
        assertThat(fields.accepts("requestId", true)).isTrue();
    }

    @Test
    void onlyAnEnabledDeclaredObjectConstrainsWhatIsBelowIt() {
        assertThat(fields.constrainsBelow("log")).isTrue();
        assertThat(fields.constrainsBelow("labels")).isTrue();
        assertThat(fields.constrainsBelow("fabstir.original")).isFalse();
        assertThat(fields.constrainsBelow("fabstir.overflow.x")).isFalse();
        assertThat(fields.constrainsBelow("log.level")).isFalse();
        assertThat(fields.constrainsBelow("requestId")).isFalse();
    }

    @Test
    void theParentsOfEveryDeclaredPathAreDeclaredObjects() {
        // What lets a check skip everything below an undeclared path: nothing below one can be declared.
        java.util.List<String> paths = new java.util.ArrayList<>(fields.leafPaths().keySet());
        paths.addAll(fields.objectPaths());
        paths.add("labels.x"); // the dynamic template's place
        for (String path : paths) {
            for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
                assertThat(fields.objectPaths()).as("parent of " + path).contains(path.substring(0, dot));
            }
        }
    }

    @Test
    void declaredNameIsBoundedByTheTemplate() {
        assertThat(fields.declaredName("error")).isEqualTo("error");
        assertThat(fields.declaredName("labels.attempt")).isEqualTo("labels.*");
        assertThat(fields.declaredName("anything.else")).isEqualTo("other");
    }

    @Test
    void theFieldsAddedForFormatsAndClashesAreDeclared() {
        assertThat(fields.type("fabstir.format")).isEqualTo("keyword");
        assertThat(fields.type("log.origin.file.line")).isEqualTo("long");
        assertThat(fields.type("process.name")).isEqualTo("keyword");
        assertThat(fields.kind("fabstir.original")).isEqualTo(Kind.OBJECT);
    }
}
