package io.fabstir.enrichers.format;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code formats:} section of the edge configuration (YAML shape in docs/formats.md):
 * <pre>{@code
 * formats:
 *   enabled: true            # false: every record ships as written
 *   keep_originals: true     # false: moved fields are not copied to fabstir.original
 *   overrides:               # change a built-in format
 *     winston:
 *       dataset: fabstir.node
 *       move: { requestId: http.request.id }
 *   custom:                  # your own formats, tried first, in order
 *     - name: billing
 *       match: { has: [billing_ref], equals: { service: billing } }
 *       like: winston
 *       dataset: fabstir.billing
 *       rename: { billing_ref: ref }
 * }</pre>
 * Read with {@link #read(JsonNode)} from the parsed YAML; checked when the mapper is built.
 */
public record FormatConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("keep_originals") Boolean keepOriginals,
        @JsonProperty("overrides") Map<String, FormatOverride> overrides,
        @JsonProperty("custom") List<FormatSpec> custom) {

    /** The YAML key this section lives under. */
    public static final String KEY = "formats";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();

    public FormatConfig {
        enabled = enabled == null || enabled;
        keepOriginals = keepOriginals == null || keepOriginals;
        overrides = overrides == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        custom = custom == null ? List.of() : List.copyOf(custom);
    }

    /** The built-in formats as they are, originals kept. */
    public static FormatConfig defaults() {
        return new FormatConfig(null, null, null, null);
    }

    /**
     * The section as parsed from YAML (the value under {@code formats:}; null or missing means defaults).
     *
     * @throws FormatConfigException naming the key, for an unknown key or a value of the wrong shape
     */
    public static FormatConfig read(JsonNode section) {
        if (section == null || section.isNull() || section.isMissingNode()) {
            return defaults();
        }
        if (!section.isObject()) {
            throw new FormatConfigException(KEY, "must be a map (enabled, keep_originals, overrides, custom)");
        }
        try {
            return JSON.treeToValue(section, FormatConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new FormatConfigException(key(e), "unknown key; known here: " + e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            throw new FormatConfigException(key(e), "has the wrong shape: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new FormatConfigException(KEY, e.getOriginalMessage());
        }
    }

    /** {@code formats.custom[0].match} from Jackson's path through the section. */
    private static String key(JsonMappingException e) {
        StringBuilder sb = new StringBuilder(KEY);
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    static ObjectMapper json() {
        return JSON;
    }
}
