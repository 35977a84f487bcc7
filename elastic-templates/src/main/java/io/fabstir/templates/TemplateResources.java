package io.fabstir.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** The bundled JSON resources, with the installer's settings applied. */
final class TemplateResources {
    static final String SETTINGS = "fabstir-logs-settings";
    static final String ECS = "fabstir-logs-ecs";
    static final String FABSTIR = "fabstir-logs-fabstir";
    static final String DLQ = "fabstir-logs-dlq";
    static final String ILM_COMPONENT = "fabstir-logs-ilm";
    static final String LOGS_TEMPLATE = "fabstir-logs";
    static final String DLQ_TEMPLATE = "fabstir-logs-dlq";
    static final String POLICY = "fabstir-logs";
    static final List<String> COMPONENTS = List.of(SETTINGS, ECS, FABSTIR, DLQ);
    static final List<String> INDEX_TEMPLATES = List.of(LOGS_TEMPLATE, DLQ_TEMPLATE);
    /** Key in {@code _meta} holding a digest of the whole body, so a changed setting is noticed at the same version. */
    static final String DIGEST = "fabstir_digest";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private TemplateResources() {
    }

    static ObjectNode load(String folder, String name) {
        String path = "/io/fabstir/templates/" + folder + "/" + name + ".json";
        try (InputStream in = TemplateResources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled resource " + path);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode component(String name, int shards, int replicas, String policyName) {
        ObjectNode body = load("component", name);
        JsonNode index = body.path("template").path("settings").path("index");
        if (index instanceof ObjectNode settings) {
            settings.put("number_of_shards", shards);
            settings.put("number_of_replicas", replicas);
            if (settings.has("lifecycle")) {
                ((ObjectNode) settings.get("lifecycle")).put("name", policyName);
            }
        }
        return withDigest(body);
    }

    static ObjectNode ilmComponent(String policyName) {
        ObjectNode body = load("component", ILM_COMPONENT);
        ((ObjectNode) body.path("template").path("settings").path("index").path("lifecycle")).put("name", policyName);
        return withDigest(body);
    }

    static ObjectNode indexTemplate(String name, boolean withIlm) {
        ObjectNode body = load("index", name);
        if (withIlm) {
            ((ArrayNode) body.get("composed_of")).add(ILM_COMPONENT);
        }
        return withDigest(body);
    }

    static ObjectNode policy(Duration retention) {
        ObjectNode body = load("ilm", POLICY);
        ObjectNode delete = (ObjectNode) body.path("policy").path("phases").path("delete");
        delete.put("min_age", retention.toSeconds() % 86_400 == 0
                ? retention.toDays() + "d" : retention.toSeconds() + "s");
        ObjectNode meta = (ObjectNode) body.path("policy").path("_meta");
        meta.put(DIGEST, digest(body));
        return body;
    }

    static long version(ObjectNode body) {
        if (body.has("version")) {
            return body.get("version").asLong();
        }
        return body.path("policy").path("_meta").path("version").asLong(0);
    }

    static String digestOf(ObjectNode body) {
        if (body.has("_meta")) {
            return body.path("_meta").path(DIGEST).asText(null);
        }
        return body.path("policy").path("_meta").path(DIGEST).asText(null);
    }

    private static ObjectNode withDigest(ObjectNode body) {
        ObjectNode meta = body.has("_meta") ? (ObjectNode) body.get("_meta") : body.putObject("_meta");
        meta.put(DIGEST, digest(body));
        return body;
    }

    private static String digest(ObjectNode body) {
        try {
            ObjectNode copy = body.deepCopy();
            JsonNode meta = copy.has("_meta") ? copy.get("_meta") : copy.path("policy").path("_meta");
            if (meta instanceof ObjectNode m) {
                m.remove(DIGEST);
            }
            Object canonical = CANONICAL.treeToValue(copy, Object.class);
            byte[] bytes = CANONICAL.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
