package io.fabstir.enrichers.redact;

import java.util.regex.Pattern;

/**
 * Webhook URLs whose path carries the credential: the token is masked, the scheme, host and webhook id stay (so an
 * operator still sees which channel it was). Shapes: Discord and the generic {@code …/webhooks/<id>/<token>} (also
 * {@code /api/webhooks/}, Rocket.Chat's {@code /hooks/<id>/<token>}), Slack {@code hooks.slack.com/services/T…/B…/
 * <token>} (and {@code /workflows/}, {@code /triggers/}), Microsoft Teams {@code …webhook.office.com/webhookb2/
 * <id>@<tenant>/IncomingWebhook/<token>/…}, Mattermost {@code /hooks/<token>}. Query-string credentials of other
 * services ({@code sig=}, {@code token=}) are the key/value rule's.
 *
 * <p>Only called when the pre-scan saw {@code ://} followed by "hook" somewhere after it, so ordinary text never
 * reaches these expressions.
 */
final class WebhookUrls {

    private static final Pattern[] PATTERNS = {
        // Slack first: its token follows the team and bot ids, not a single id
        Pattern.compile("(?i)(hooks\\.slack\\.com/(?:services|workflows|triggers)/(?:[A-Za-z0-9_-]+/)+)"
                + "([A-Za-z0-9_-]{8,})(?![A-Za-z0-9_/-])"),
        Pattern.compile("(?i)(/webhook(?:b2)?/[^/\\s\"'<>]+/IncomingWebhook/)([^\\s\"'<>\\\\]+)"),
        Pattern.compile("(?i)(/(?:api/(?:v\\d+/)?)?(?:web)?hooks/[A-Za-z0-9_-]{1,80}/)([A-Za-z0-9_.~-]{8,})"),
        Pattern.compile("(?i)(/hooks/)([A-Za-z0-9]{20,})(?![A-Za-z0-9/_.~-])"),
    };

    private WebhookUrls() {
    }

    static String redact(String text, String mask) {
        String replacement = Masking.afterGroupOne(mask);
        String out = text;
        for (Pattern p : PATTERNS) {
            out = Masking.replaceAll(p, out, replacement);
        }
        return out;
    }
}
