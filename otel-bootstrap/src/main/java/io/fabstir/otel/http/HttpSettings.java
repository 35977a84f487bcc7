package io.fabstir.otel.http;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * {@code fabstir.http.*}: where the node's port listens and who may read it, read and checked once at start (a
 * credential or certificate file that is missing, unreadable, readable by every user, or malformed stops the start
 * with its setting's name; the port never opens without what was asked for).
 *
 * <ul>
 *   <li>{@code fabstir.http.host} (default {@code 127.0.0.1}: the port shows earnings, trace ids and error texts, so
 *   reaching it from elsewhere is a decision, e.g. {@code 0.0.0.0} with a credential) and {@code fabstir.http.port}
 *   (9464);
 *   <li>the credential: {@code fabstir.http.auth.token-file} / {@code FABSTIR_HTTP_AUTH_TOKEN} (bearer token),
 *   {@code fabstir.http.auth.basic-file} / {@code FABSTIR_HTTP_AUTH_BASIC} ({@code user:password});
 *   {@code fabstir.http.metrics.public} (false) keeps {@code /metrics} open when a credential is set;
 *   <li>HTTPS: {@code fabstir.http.tls.cert-file} + {@code fabstir.http.tls.key-file} (PEM), or
 *   {@code fabstir.http.tls.keystore-file} (+ {@code -type}, {@code -password-file} /
 *   {@code FABSTIR_HTTP_TLS_KEYSTORE_PASSWORD});
 *   <li>{@code fabstir.http.request-timeout} (10s): longest time one request may take to arrive and be answered.
 * </ul>
 */
public final class HttpSettings {

  static final String HOST = "fabstir.http.host";
  static final String PORT = "fabstir.http.port";
  static final String METRICS_PUBLIC = "fabstir.http.metrics.public";
  static final String REQUEST_TIMEOUT = "fabstir.http.request-timeout";
  public static final String DEFAULT_HOST = "127.0.0.1";

  private final String host;
  private final int port;
  private final boolean loopbackOnly;
  private final AccessPolicy access;
  private final SSLContext tls;
  private final Duration requestTimeout;

  private HttpSettings(String host, int port, boolean loopbackOnly, AccessPolicy access, SSLContext tls,
      Duration requestTimeout) {
    this.host = host;
    this.port = port;
    this.loopbackOnly = loopbackOnly;
    this.access = access;
    this.tls = tls;
    this.requestTimeout = requestTimeout;
  }

  public static HttpSettings from(ConfigProperties config) {
    String host = config.getString(HOST, DEFAULT_HOST).strip();
    int port = config.getInt(PORT, 9464);
    if (port < 0 || port > 65535) {
      throw new ConfigurationException(PORT + " must be 0..65535 (got " + port + ")");
    }
    Duration timeout = config.getDuration(REQUEST_TIMEOUT, Duration.ofSeconds(10));
    if (timeout.toMillis() < 100) {
      throw new ConfigurationException(REQUEST_TIMEOUT + " must be at least 100ms (got " + timeout + "); e.g. 10s");
    }
    boolean loopback = loopbackOnly(host);
    Credentials credentials = Credentials.from(config);
    AccessPolicy access = new AccessPolicy(credentials, loopback, config.getBoolean(METRICS_PUBLIC, false));
    return new HttpSettings(host, port, loopback, access, TlsContexts.from(config), timeout);
  }

  /** Whether {@code host} is a loopback address (or a name of one): nothing but this host can connect. */
  static boolean loopbackOnly(String host) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress a : addresses) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException e) {
      throw new ConfigurationException(HOST + ": unknown host " + host, e);
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public boolean loopbackOnly() {
    return loopbackOnly;
  }

  public AccessPolicy access() {
    return access;
  }

  SSLContext tls() {
    return tls;
  }

  public boolean https() {
    return tls != null;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  /** What an operator should hear at start about how the port is exposed (null when nothing). */
  public String exposureWarning() {
    if (loopbackOnly) {
      return null;
    }
    if (!access.credentialsConfigured()) {
      return "the node's port listens on " + host + " without a credential: /metrics and /health's statuses are"
          + " open, /health's details are withheld; set fabstir.http.auth.token-file to read them";
    }
    if (tls == null) {
      return "the node's port listens on " + host + " with a credential over plain HTTP, where anyone on the path"
          + " can read it; set fabstir.http.tls.cert-file and fabstir.http.tls.key-file for HTTPS";
    }
    return null;
  }
}
