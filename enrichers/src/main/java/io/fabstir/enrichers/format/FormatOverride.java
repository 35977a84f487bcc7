package io.fabstir.enrichers.format;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Changes to a built-in format ({@code formats.overrides.<name>}): its dataset, and moves or renames that come before
 * the built-in ones and replace a built-in move of the same source (a {@code null} target stops a built-in move).
 *
 * @param dataset {@code event.dataset} for its records that carry no Fabstir event
 * @param move    source path → target path (or {@code {to, as}})
 * @param rename  source path → new last name, in the same object ({@code ctx.reqId: request_id})
 */
public record FormatOverride(
        @JsonProperty("dataset") String dataset,
        @JsonProperty("move") Map<String, MoveSpec> move,
        @JsonProperty("rename") Map<String, String> rename) {

    public FormatOverride {
        move = move == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(move));
        rename = rename == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rename));
    }
}
