package io.fabstir.otel.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * Who may read what on the node's port. {@code /ready} and the statuses of {@code /health} are for everyone (load
 * balancers and orchestrators probe them without a credential). The dashboard's data, {@code /health}'s details and
 * {@code /metrics} need the credential when one is set up ({@code /metrics} stays open with
 * {@code fabstir.http.metrics.public=true}); without one, they are open on a loopback-only port, and on any other
 * address {@code /metrics} is open and the rest is withheld (the dashboard then refuses to start).
 */
public final class AccessPolicy {

  /** Sent by the dashboard's own page: its 401s then name no Basic scheme, so the browser shows no prompt of its own. */
  public static final String PAGE_HEADER = "X-Fabstir-Dashboard";

  private final Credentials credentials;
  private final boolean loopbackOnly;
  private final boolean metricsPublic;

  AccessPolicy(Credentials credentials, boolean loopbackOnly, boolean metricsPublic) {
    this.credentials = credentials;
    this.loopbackOnly = loopbackOnly;
    this.metricsPublic = metricsPublic;
  }

  /** No credential set up and nothing but this host can connect: everything is readable. */
  public boolean open() {
    return !credentials.configured() && loopbackOnly;
  }

  public boolean credentialsConfigured() {
    return credentials.configured();
  }

  /** Whether this request may read the dashboard's data and {@code /health}'s details. */
  public boolean mayReadDetails(HttpExchange exchange) {
    return open() || credentials.accepts(exchange.getRequestHeaders().getFirst("Authorization"));
  }

  /**
   * Whether this request may scrape {@code /metrics}. A credential sent where none is needed is still checked: a
   * scraper configured with the wrong one hears about it.
   */
  boolean mayScrape(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && credentials.configured()) {
      return credentials.accepts(authorization);
    }
    return metricsPublic || !credentials.configured();
  }

  /** Answers 401 with the schemes set up (403 where no credential could help). */
  public void refuse(HttpExchange exchange) throws IOException {
    if (!credentials.configured()) {
      Responses.send(exchange, 403, Responses.TEXT, "set up a credential (fabstir.http.auth.token-file) to read this"
          + " on a port that is not loopback-only\n");
      return;
    }
    boolean page = exchange.getRequestHeaders().containsKey(PAGE_HEADER);
    exchange.getResponseHeaders().set("WWW-Authenticate", credentials.challenge(!page));
    Responses.send(exchange, 401, "application/json",
        "{\"error\":\"unauthorized\",\"schemes\":\"" + credentials.schemes() + "\"}\n");
  }
}
