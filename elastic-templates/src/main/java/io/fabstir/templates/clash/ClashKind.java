package io.fabstir.templates.clash;

/** Which way a record's value and the template disagree. */
public enum ClashKind {
    /** a string, number or boolean (or a list of them) where the template declares an object: {@code "error": "x"} */
    SCALAR_FOR_OBJECT("scalar_for_object"),
    /** an object (or a list holding one) where the template declares a leaf, or a field below a leaf */
    OBJECT_FOR_LEAF("object_for_leaf");

    private final String label;

    ClashKind(String label) {
        this.label = label;
    }

    /** The metric label value. */
    public String label() {
        return label;
    }
}
