package io.fabstir.templates.clash;

/**
 * One clash settled in a document.
 *
 * @param path    where the value was, as a dotted path ({@code "host"}, {@code "error.message"})
 * @param kind    which way it clashed
 * @param movedTo where the value went ({@code "host.name"}, a {@code labels.*} key, or the same path holding the
 *                object as JSON text); null when it is kept only under {@code fabstir.original}
 */
public record Clash(String path, ClashKind kind, String movedTo) {

    /** The repair marker for {@code fabstir.normalized}, as the indexer's other repairs are recorded. */
    public String marker() {
        return "type_clash:" + path;
    }
}
