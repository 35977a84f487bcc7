package io.fabstir.otel.redaction;

import io.fabstir.enrichers.redact.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules applied to OpenTelemetry's data types: an attribute under a sensitive name is masked whole (whatever
 * its type), every other string (and string in an array) goes through {@link Redactor#redactValue} with its name.
 * Each method returns its argument itself when nothing changed, so clean data costs a scan and no allocation.
 */
final class OtelRedaction {

  private final Redaction rules;
  /** The last resource seen and its redacted form: exporters see the same resource on every batch. */
  private volatile Resource[] lastResource = {null, null};

  OtelRedaction(Redaction rules) {
    this.rules = rules;
  }

  Redactor redactor() {
    return rules.get();
  }

  boolean enabled() {
    return rules.get().isEnabled();
  }

  String text(String s) {
    return rules.text(s);
  }

  Resource resource(Resource resource) {
    Resource[] last = lastResource;
    if (last[0] == resource) {
      return last[1];
    }
    Attributes redacted = attributes(resource.getAttributes());
    Resource out =
        redacted == resource.getAttributes() ? resource : Resource.create(redacted, resource.getSchemaUrl());
    lastResource = new Resource[] {resource, out};
    return out;
  }

  Attributes attributes(Attributes attributes) {
    if (attributes.isEmpty()) {
      return attributes;
    }
    Redactor r = rules.get();
    if (!r.isEnabled()) {
      return attributes;
    }
    int n = attributes.size();
    AttributeKey<?>[] keys = new AttributeKey<?>[n];
    Object[] values = new Object[n];
    boolean[] changed = {false};
    int[] i = {0};
    attributes.forEach((key, value) -> {
      Object redacted = value(r, key, value);
      changed[0] |= redacted != value;
      keys[i[0]] = key;
      values[i[0]++] = redacted;
    });
    if (!changed[0]) {
      return attributes;
    }
    AttributesBuilder out = Attributes.builder();
    for (int k = 0; k < i[0]; k++) {
      if (values[k] instanceof String masked && keys[k].getType() != AttributeType.STRING) {
        out.put(AttributeKey.stringKey(keys[k].getKey()), masked); // a masked number keeps its name
      } else {
        put(out, keys[k], values[k]);
      }
    }
    return out.build();
  }

  private static Object value(Redactor r, AttributeKey<?> key, Object value) {
    String name = key.getKey();
    if (r.isSensitiveKey(name)) {
      return Redactor.MASK.equals(value) ? value : Redactor.MASK;
    }
    if (key.getType() == AttributeType.STRING) {
      return r.redactValue(name, (String) value);
    }
    if (key.getType() == AttributeType.STRING_ARRAY) {
      @SuppressWarnings("unchecked")
      List<String> list = (List<String>) value;
      List<String> out = null;
      for (int i = 0; i < list.size(); i++) {
        String s = list.get(i);
        String red = s == null ? null : r.redactValue(name, s);
        if (red != s && out == null) {
          out = new ArrayList<>(list.subList(0, i));
        }
        if (out != null) {
          out.add(red);
        }
      }
      return out == null ? value : out;
    }
    return value;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void put(AttributesBuilder b, AttributeKey<?> key, Object value) {
    b.put((AttributeKey) key, value);
  }

  /** A log record's body: strings, and the strings inside arrays and key-value lists. */
  Value<?> value(String name, Value<?> value) {
    if (value == null) {
      return null;
    }
    Redactor r = rules.get();
    if (!r.isEnabled()) {
      return value;
    }
    return body(r, name, value);
  }

  @SuppressWarnings("unchecked")
  private static Value<?> body(Redactor r, String name, Value<?> value) {
    switch (value.getType()) {
      case STRING -> {
        String s = (String) value.getValue();
        String red = name == null ? r.redactText(s) : r.redactValue(name, s);
        return red == s ? value : Value.of(red);
      }
      case ARRAY -> {
        List<Value<?>> items = (List<Value<?>>) value.getValue();
        List<Value<?>> out = new ArrayList<>(items.size());
        boolean changed = false;
        for (Value<?> v : items) {
          Value<?> red = body(r, name, v);
          changed |= red != v;
          out.add(red);
        }
        return changed ? Value.of(out) : value;
      }
      case KEY_VALUE_LIST -> {
        List<KeyValue> items = (List<KeyValue>) value.getValue();
        List<KeyValue> out = new ArrayList<>(items.size());
        boolean changed = false;
        for (KeyValue kv : items) {
          Value<?> red = r.isSensitiveKey(kv.getKey())
              ? (Redactor.MASK.equals(kv.getValue().getValue()) ? kv.getValue() : Value.of(Redactor.MASK))
              : body(r, kv.getKey(), kv.getValue());
          changed |= red != kv.getValue();
          out.add(red == kv.getValue() ? kv : KeyValue.of(kv.getKey(), red));
        }
        return changed ? Value.of(out.toArray(new KeyValue[0])) : value;
      }
      default -> {
        return value;
      }
    }
  }
}
