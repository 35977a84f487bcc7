package io.fabstir.templates.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Kibana saved objects (data views, saved searches, dashboard) as a Kibana 8.x export, ready for
 * {@code POST /api/saved_objects/_import} or Stack Management → Saved objects → Import.
 *
 * <pre>{@code
 * String ndjson = KibanaSavedObjects.builder().jaegerUrl("https://jaeger.example.org").build().render();
 * }</pre>
 *
 * <p>From a shell: {@code java -cp elastic-templates.jar io.fabstir.templates.kibana.KibanaSavedObjects
 * --jaeger-url https://jaeger.example.org --out fabstir-kibana.ndjson}.
 */
public final class KibanaSavedObjects {
    static final String NDJSON_RESOURCE = "/kibana/fabstir-saved-objects.ndjson";
    static final String QUERIES_RESOURCE = "/kibana/queries.json";
    /** Where the bundled export holds the Jaeger base URL (inside the trace.id URL formatter). */
    static final String JAEGER_PLACEHOLDER = "${JAEGER_URL}";
    public static final String DEFAULT_JAEGER_URL = "http://localhost:16686";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String jaegerUrl;

    private KibanaSavedObjects(Builder b) {
        this.jaegerUrl = checkedBaseUrl(b.jaegerUrl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The export, one saved object per line plus Kibana's export-details line, with the Jaeger URL filled in. */
    public String render() {
        return resource(NDJSON_RESOURCE).replace(JAEGER_PLACEHOLDER, jaegerUrl);
    }

    public void writeTo(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    /** The saved searches of the export, each with its KQL and the equivalent {@code _search} body. */
    public static List<SavedSearch> savedSearches() {
        try {
            List<SavedSearch> out = new ArrayList<>();
            for (JsonNode s : JSON.readTree(resource(QUERIES_RESOURCE)).get("searches")) {
                out.add(new SavedSearch(s.get("id").asText(), s.get("title").asText(), s.get("data_view").asText(),
                        s.get("index").asText(), s.get("kql").asText(), JSON.writeValueAsString(s.get("body"))));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The URL is pasted into a JSON string that is itself inside a JSON string, so only plain http(s) URLs without
     * quotes, backslashes or control characters are accepted; that keeps a plain substitution well-formed.
     */
    static String checkedBaseUrl(String url) {
        Objects.requireNonNull(url, "jaegerUrl");
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("Jaeger URL must not contain quotes, backslashes, spaces or "
                        + "control characters: " + url);
            }
        }
        try {
            URI uri = new URI(trimmed);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("Jaeger URL must be an absolute http(s) URL: " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Jaeger URL is not a valid URL: " + url, e);
        }
        return trimmed;
    }

    static String resource(String name) {
        try (InputStream in = KibanaSavedObjects.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code [--jaeger-url URL] [--out FILE]}; without --out the export goes to stdout. */
    public static void main(String[] args) throws IOException {
        Builder b = builder();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jaeger-url" -> b.jaegerUrl(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                default -> {
                    System.err.println("usage: KibanaSavedObjects [--jaeger-url URL] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        KibanaSavedObjects export;
        try {
            export = b.build();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (out == null) {
            System.out.print(export.render());
        } else {
            export.writeTo(out);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("missing value for " + args[i - 1]);
            System.exit(2);
        }
        return args[i];
    }

    public static final class Builder {
        private String jaegerUrl = DEFAULT_JAEGER_URL;

        private Builder() {
        }

        /** Base URL of the Jaeger UI, e.g. {@code https://jaeger.example.org}; traces open at {@code <url>/trace/<id>}. */
        public Builder jaegerUrl(String jaegerUrl) {
            this.jaegerUrl = jaegerUrl;
            return this;
        }

        public KibanaSavedObjects build() {
            return new KibanaSavedObjects(this);
        }
    }
}
