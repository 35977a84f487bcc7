package io.fabstir.enrichers.format;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * When a record is of a format; every condition given must hold. Names are dotted paths, looked up flat or nested.
 *
 * @param has     all of these are present (not null)
 * @param any     at least one of these is present
 * @param absent  none of these is present
 * @param text    all of these are strings
 * @param number  all of these are numbers
 * @param equals  each of these has exactly this value (numbers compare by value)
 * @param pattern each of these is a string matching the whole regular expression
 */
public record MatchSpec(
        @JsonProperty("has") List<String> has,
        @JsonProperty("any") List<String> any,
        @JsonProperty("absent") List<String> absent,
        @JsonProperty("text") List<String> text,
        @JsonProperty("number") List<String> number,
        @JsonProperty("equals") Map<String, JsonNode> equals,
        @JsonProperty("pattern") Map<String, String> pattern) {

    public MatchSpec {
        has = has == null ? List.of() : List.copyOf(has);
        any = any == null ? List.of() : List.copyOf(any);
        absent = absent == null ? List.of() : List.copyOf(absent);
        text = text == null ? List.of() : List.copyOf(text);
        number = number == null ? List.of() : List.copyOf(number);
        equals = equals == null ? Map.of() : Map.copyOf(equals);
        pattern = pattern == null ? Map.of() : Map.copyOf(pattern);
    }

    boolean isEmpty() {
        return has.isEmpty() && any.isEmpty() && absent.isEmpty() && text.isEmpty() && number.isEmpty()
                && equals.isEmpty() && pattern.isEmpty();
    }
}
