package io.fabstir.enrichers.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where one field goes: {@code to} a dotted path, optionally converted {@code as} one of the named conversions
 * ({@code level}, {@code ms_to_ns}, {@code error}, {@code stack}, {@code traceback}, {@code fabstir_event},
 * {@code caller}, {@code origin}; see docs/formats.md). Written in YAML as a plain path ({@code msg: message}) or as
 * {@code {to: log.level, as: level}}. The conversions {@code error}, {@code stack}, {@code traceback},
 * {@code fabstir_event}, {@code caller} and {@code origin} write fixed ECS fields and need no {@code to}.
 */
public record MoveSpec(@JsonProperty("to") String to, @JsonProperty("as") String as) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public MoveSpec {
    }

    /** A plain move, from the YAML shorthand {@code source: target}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MoveSpec to(String to) {
        return new MoveSpec(to, null);
    }
}
