package io.fabstir.otel.dashboard;

import io.fabstir.enrichers.redact.Redactor;
import java.util.Locale;

/**
 * A minimal JSON writer for the snapshot's few fixed shapes, written as it is built (no tree first). With a
 * redactor, every string goes through the log lines' rules on its way out: a value with the name it is written
 * under, names and array items as free text.
 */
final class Json {

  private final StringBuilder out;
  private final Redactor redactor;
  /** Whether the container being written still needs no comma before its next member. */
  private boolean first = true;

  Json(int capacity) {
    this(capacity, null);
  }

  Json(int capacity, Redactor redactor) {
    out = new StringBuilder(capacity);
    this.redactor = redactor != null && redactor.isEnabled() ? redactor : null;
  }

  Json beginObject() {
    comma();
    out.append('{');
    first = true;
    return this;
  }

  Json endObject() {
    out.append('}');
    first = false;
    return this;
  }

  Json beginArray() {
    comma();
    out.append('[');
    first = true;
    return this;
  }

  Json endArray() {
    out.append(']');
    first = false;
    return this;
  }

  /** A member name; the value written next belongs to it. */
  Json name(String name) {
    comma();
    string(redactor == null ? name : redactor.redactText(name));
    out.append(':');
    first = true; // the value follows without a comma
    return this;
  }

  Json value(String s) {
    return text(s, redactor == null || s == null ? s : redactor.redactText(s));
  }

  private Json text(String original, String shown) {
    comma();
    if (original == null) {
      out.append("null");
    } else {
      string(shown);
    }
    return this;
  }

  Json value(long v) {
    comma();
    out.append(v);
    return this;
  }

  /** NaN and infinities, which JSON cannot carry, become null. */
  Json value(double v) {
    comma();
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      out.append("null");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      out.append((long) v);
    } else {
      out.append(v); // shortest form that reads back as the same double; valid JSON (e.g. 1.0E-5)
    }
    return this;
  }

  Json value(boolean v) {
    comma();
    out.append(v);
    return this;
  }

  Json nullValue() {
    comma();
    out.append("null");
    return this;
  }

  Json field(String name, String v) {
    return name(name).text(v, redactor == null || v == null ? v : redactor.redactValue(name, v));
  }

  Json field(String name, long v) {
    return name(name).value(v);
  }

  Json field(String name, double v) {
    return name(name).value(v);
  }

  Json field(String name, boolean v) {
    return name(name).value(v);
  }

  private void comma() {
    if (!first) {
      out.append(',');
    }
    first = false;
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
