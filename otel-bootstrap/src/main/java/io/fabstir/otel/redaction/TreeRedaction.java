package io.fabstir.otel.redaction;

import io.fabstir.enrichers.redact.Redactor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules over a JSON-shaped tree of JDK values (maps with string keys, collections, strings, numbers,
 * booleans), as {@code /health} and the dashboard build them: a value under a sensitive name is masked whole, other
 * strings go through {@link Redactor#redactValue} with the name they sit under, and names themselves through the
 * free-text rules. {@link Redactor#redact(com.fasterxml.jackson.databind.JsonNode)} does the same for Jackson
 * trees; the extension builds these bodies without Jackson.
 */
public final class TreeRedaction {

  private TreeRedaction() {}

  /** A redacted copy of {@code value} (the same object when it holds nothing to mask). */
  public static Object redact(Redactor redactor, Object value) {
    return redactor.isEnabled() ? redact(redactor, null, value) : value;
  }

  private static Object redact(Redactor r, String name, Object value) {
    if (value instanceof String s) {
      return name == null ? r.redactText(s) : r.redactValue(name, s);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      boolean changed = false;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String redactedKey = r.redactText(key);
        Object v = e.getValue();
        Object red = v == null ? null
            : r.isSensitiveKey(key) ? (Redactor.MASK.equals(v) ? v : Redactor.MASK)
            : redact(r, key, v);
        changed |= red != v || redactedKey != key || !(e.getKey() instanceof String);
        out.put(redactedKey, red);
      }
      return changed ? out : value;
    }
    if (value instanceof Collection<?> items) {
      List<Object> out = new ArrayList<>(items.size());
      boolean changed = false;
      for (Object item : items) {
        Object red = redact(r, name, item);
        changed |= red != item;
        out.add(red);
      }
      return changed ? out : value;
    }
    return value;
  }
}
