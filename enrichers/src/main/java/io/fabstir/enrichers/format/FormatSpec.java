package io.fabstir.enrichers.format;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One format: how it is recognised and how its fields map. The built-in table ({@code builtin-formats.json}) and the
 * user's {@code formats.custom} entries have this shape.
 *
 * @param name    what {@code fabstir.format} says for its records
 * @param match   one or more alternatives; a record is of this format when any one matches
 * @param like    (custom only) a built-in format whose mapping follows this one's moves
 * @param dataset {@code event.dataset} for its records that carry no Fabstir event
 * @param move    source path → target path (or {@code {to, as}}), applied in order
 * @param rename  source path → new last name, in the same object
 */
public record FormatSpec(
        @JsonProperty("name") String name,
        @JsonProperty("match") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<MatchSpec> match,
        @JsonProperty("like") String like,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("move") Map<String, MoveSpec> move,
        @JsonProperty("rename") Map<String, String> rename) {

    public FormatSpec {
        match = match == null ? List.of() : List.copyOf(match);
        move = move == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(move));
        rename = rename == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rename));
    }
}
