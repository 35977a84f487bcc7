package io.fabstir.shipper.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The shared secret Alertmanager sends with each notification: a bearer token (Alertmanager's
 * {@code http_config.authorization}), a user and password ({@code http_config.basic_auth}), or both (either is
 * accepted). Compared in constant time, both schemes every time, so the answer's timing tells nothing.
 */
public final class WebhookAuth {
    /** A short token is guessable over a port that answers quickly. */
    public static final int MIN_TOKEN_LENGTH = 16;
    private static final WebhookAuth NONE = new WebhookAuth(null, null);

    private final byte[] bearer;
    private final byte[] basic;

    private WebhookAuth(byte[] bearer, byte[] basic) {
        this.bearer = bearer;
        this.basic = basic;
    }

    /** No credential: only for a bridge that nothing but its own host can reach. */
    public static WebhookAuth none() {
        return NONE;
    }

    /**
     * @param token  the bearer token, or null
     * @param userPassword {@code user:password} for basic auth, or null
     * @throws IllegalArgumentException when the token is shorter than {@value #MIN_TOKEN_LENGTH} printable
     *                                  characters or has blanks, or the pair is not {@code user:password}
     */
    public static WebhookAuth of(String token, String userPassword) {
        byte[] bearer = null;
        byte[] basic = null;
        if (token != null) {
            if (token.length() < MIN_TOKEN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException("the token must be at least " + MIN_TOKEN_LENGTH
                        + " printable characters without blanks, e.g. from: openssl rand -hex 32");
            }
            bearer = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        }
        if (userPassword != null) {
            int colon = userPassword.indexOf(':');
            if (colon <= 0 || colon == userPassword.length() - 1) {
                throw new IllegalArgumentException("expected one line user:password");
            }
            basic = ("Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)))
                    .getBytes(StandardCharsets.UTF_8);
        }
        return bearer == null && basic == null ? NONE : new WebhookAuth(bearer, basic);
    }

    public static WebhookAuth bearer(String token) {
        return of(token, null);
    }

    public boolean configured() {
        return bearer != null || basic != null;
    }

    /** Whether a request with this {@code Authorization} header may post (always, when nothing is set up). */
    boolean accepts(String authorization) {
        if (!configured()) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        byte[] given = authorization.strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        ok |= bearer != null && MessageDigest.isEqual(bearer, given);
        ok |= basic != null && MessageDigest.isEqual(basic, given);
        return ok;
    }

    /** The {@code WWW-Authenticate} value naming the schemes set up. */
    String challenge() {
        String b = bearer != null ? "Bearer realm=\"fabstir-alert-bridge\"" : "";
        String s = basic != null ? "Basic realm=\"fabstir-alert-bridge\", charset=\"UTF-8\"" : "";
        return b.isEmpty() ? s : s.isEmpty() ? b : b + ", " + s;
    }
}
