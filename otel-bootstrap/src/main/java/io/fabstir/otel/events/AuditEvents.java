package io.fabstir.otel.events;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.Map;

/**
 * Audit trail events: {@code event.dataset=fabstir.audit}, {@code event.action} (e.g. {@code stake.withdraw}),
 * {@code event.outcome}, {@code user.id}, and each detail as {@code fabstir.audit.<name>} (secret-looking details
 * are masked by the encoder like any field).
 */
public final class AuditEvents {

    static final String DATASET = "fabstir.audit";

    private final Logger log;
    private final Fields fields;

    AuditEvents(Logger log, Fields fields) {
        this.log = log;
        this.fields = fields;
    }

    public AuditEvents with(String key, Object value) {
        return new AuditEvents(log, fields.with(key, value));
    }

    /** A successful action. */
    public void action(String action, String userId, Map<String, ?> details) {
        emit(Level.INFO, action, userId, true, null, details);
    }

    /** An action that was refused or failed; {@code reason} goes to {@code fabstir.audit.reason}. */
    public void denied(String action, String userId, String reason, Map<String, ?> details) {
        emit(Level.WARN, action, userId, false, reason, details);
    }

    private void emit(Level level, String action, String userId, boolean success, String reason,
                      Map<String, ?> details) {
        LoggingEventBuilder b = fields.at(log, level);
        if (b != null) {
            b.addKeyValue("event.dataset", DATASET)
                    .addKeyValue("event.action", action)
                    .addKeyValue("event.outcome", success ? "success" : "failure")
                    .addKeyValue("user.id", userId);
            if (reason != null) {
                b.addKeyValue("fabstir.audit.reason", reason);
            }
            if (details != null) {
                for (Map.Entry<String, ?> e : details.entrySet()) {
                    b.addKeyValue("fabstir.audit." + e.getKey(), e.getValue());
                }
            }
            if (success) {
                b.log("audit {} by {}", action, userId);
            } else {
                b.log("audit {} by {} denied: {}", action, userId, reason);
            }
        }
        for (FabstirEventListener l : FabstirEvents.LISTENERS) {
            Fields.notify(() -> l.audit(action, userId, success, details == null ? Map.of() : details));
        }
    }
}
