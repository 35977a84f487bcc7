package io.fabstir.otel.redaction;

import io.fabstir.enrichers.redact.Redactor;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The redaction rules of the extension's exits, read at start and built into a {@link Redactor} on first use.
 * Settings are the Logback include's, so one {@code -Dfabstir.log.redact-keys=ssn} covers every exit:
 * {@code fabstir.log.redaction} (default true), {@code fabstir.log.redact-keys} (comma-separated names),
 * {@code fabstir.log.redact-pattern} (one regex). A pattern that does not compile stops the start, naming the key.
 */
public final class Redaction implements Supplier<Redactor> {

  static final String ENABLED = "fabstir.log.redaction";
  static final String KEYS = "fabstir.log.redact-keys";
  static final String PATTERN = "fabstir.log.redact-pattern";

  private final boolean enabled;
  private final List<String> keys;
  private final List<Pattern> patterns;
  private volatile Redactor redactor;

  private Redaction(boolean enabled, List<String> keys, List<Pattern> patterns) {
    this.enabled = enabled;
    this.keys = List.copyOf(keys);
    this.patterns = List.copyOf(patterns);
  }

  public static Redaction from(ConfigProperties config) {
    List<String> keys = new ArrayList<>();
    for (String k : config.getList(KEYS)) {
      if (!k.isBlank()) {
        keys.add(k.trim());
      }
    }
    List<Pattern> patterns = new ArrayList<>();
    String regex = config.getString(PATTERN);
    if (regex != null && !regex.isBlank()) {
      try {
        patterns.add(Pattern.compile(regex.trim()));
      } catch (PatternSyntaxException e) {
        throw new ConfigurationException(
            PATTERN + " is not a valid regex (" + e.getDescription() + "): fix or remove it", e);
      }
    }
    return new Redaction(config.getBoolean(ENABLED, true), keys, patterns);
  }

  /** The built-in rules only, on (tests, and callers without settings). */
  public static Redaction defaults() {
    return new Redaction(true, List.of(), List.of());
  }

  /** The redactor; built by the first caller. */
  @Override
  public Redactor get() {
    Redactor r = redactor;
    if (r == null) {
      synchronized (this) {
        r = redactor;
        if (r == null) {
          r = build();
          redactor = r;
        }
      }
    }
    return r;
  }

  private Redactor build() {
    if (!enabled) {
      return Redactor.disabled();
    }
    if (keys.isEmpty() && patterns.isEmpty()) {
      return Redactor.defaults();
    }
    Redactor.Builder b = Redactor.builder();
    keys.forEach(b::sensitiveKey);
    patterns.forEach(b::pattern);
    return b.build();
  }

  /** Free text through the rules ({@code null} stays null). */
  public String text(String s) {
    return s == null ? null : get().redactText(s);
  }
}
