package io.fabstir.otel.logging;

import ch.qos.logback.core.spi.ContextAware;
import io.fabstir.enrichers.redact.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The redaction settings of one Logback component ({@code <redaction>}, {@code <redactKey>}, {@code <redactKeys>},
 * {@code <redactPattern>}), turned into a {@link Redactor} at start. The defaults share one redactor instance.
 */
public final class RedactionSettings {

    private boolean enabled = true;
    private final List<String> keys = new ArrayList<>();
    private final List<String> patterns = new ArrayList<>();

    public void enabled(boolean on) {
        this.enabled = on;
    }

    /** Extra sensitive names, comma-separated (blank entries, e.g. an unset property, are ignored). */
    public void addKeys(String names) {
        if (names == null) {
            return;
        }
        for (String n : names.split(",")) {
            if (!n.isBlank()) {
                keys.add(n.trim());
            }
        }
    }

    /** One extra regex; each whole match is masked in every string value. Blank is ignored. */
    public void addPattern(String regex) {
        if (regex != null && !regex.isBlank()) {
            patterns.add(regex.trim());
        }
    }

    /** The redactor; an invalid pattern is reported on {@code owner}'s status and left out. */
    public Redactor build(ContextAware owner) {
        if (!enabled) {
            return Redactor.disabled();
        }
        if (keys.isEmpty() && patterns.isEmpty()) {
            return Redactor.defaults();
        }
        Redactor.Builder b = Redactor.builder();
        keys.forEach(b::sensitiveKey);
        for (String p : patterns) {
            try {
                b.pattern(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                owner.addError("redactPattern '" + p + "' is not a valid regex (" + e.getDescription()
                        + "); it is not applied");
            }
        }
        return b.build();
    }
}
