package io.fabstir.otel.http;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The credential the port asks for: a bearer token, a user and password for basic auth, or both (either is
 * accepted). From files ({@code fabstir.http.auth.token-file}, {@code fabstir.http.auth.basic-file} holding
 * {@code user:password}) or the environment ({@code FABSTIR_HTTP_AUTH_TOKEN}, {@code FABSTIR_HTTP_AUTH_BASIC}); never
 * from a system property, which every user of the host reads in the process list.
 */
final class Credentials {

  static final String TOKEN_FILE = "fabstir.http.auth.token-file";
  static final String BASIC_FILE = "fabstir.http.auth.basic-file";
  static final String TOKEN_ENV = "FABSTIR_HTTP_AUTH_TOKEN";
  static final String BASIC_ENV = "FABSTIR_HTTP_AUTH_BASIC";
  /** A short token is guessable over a port that answers quickly. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final Credentials NONE = new Credentials(null, null);

  /** The expected {@code Authorization} header values, compared in constant time. */
  private final byte[] bearer;
  private final byte[] basic;

  private Credentials(byte[] bearer, byte[] basic) {
    this.bearer = bearer;
    this.basic = basic;
  }

  static Credentials none() {
    return NONE;
  }

  static Credentials from(ConfigProperties config) {
    refuseOnCommandLine("fabstir.http.auth.token", TOKEN_FILE, TOKEN_ENV);
    refuseOnCommandLine("fabstir.http.auth.basic", BASIC_FILE, BASIC_ENV);
    String token = secret(config, TOKEN_FILE, TOKEN_ENV);
    String userPassword = secret(config, BASIC_FILE, BASIC_ENV);
    byte[] bearer = null;
    byte[] basic = null;
    if (token != null) {
      if (token.length() < MIN_TOKEN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new ConfigurationException(source(config, TOKEN_FILE, TOKEN_ENV) + ": the token must be at least "
            + MIN_TOKEN_LENGTH + " printable characters without spaces, e.g. from: openssl rand -hex 32");
      }
      bearer = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }
    if (userPassword != null) {
      int colon = userPassword.indexOf(':');
      if (colon <= 0 || colon == userPassword.length() - 1) {
        throw new ConfigurationException(source(config, BASIC_FILE, BASIC_ENV)
            + ": expected one line user:password");
      }
      basic = ("Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)))
          .getBytes(StandardCharsets.UTF_8);
    }
    return bearer == null && basic == null ? NONE : new Credentials(bearer, basic);
  }

  private static void refuseOnCommandLine(String property, String file, String env) {
    if (System.getProperty(property) != null) {
      throw new ConfigurationException(property + " must not be a system property (the process list shows it to"
          + " every user of the host): put it in a file named by " + file + ", or in " + env);
    }
  }

  private static String secret(ConfigProperties config, String fileKey, String env) {
    String file = config.getString(fileKey);
    if (file != null && !file.isBlank()) {
      return SecretFile.firstLine(fileKey, file);
    }
    String value = System.getenv(env);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String source(ConfigProperties config, String fileKey, String env) {
    String file = config.getString(fileKey);
    return file != null && !file.isBlank() ? fileKey + " (" + file.strip() + ")" : env;
  }

  boolean configured() {
    return bearer != null || basic != null;
  }

  /** Whether an {@code Authorization} header carries one of the credentials. */
  boolean accepts(String authorization) {
    if (authorization == null || !configured()) {
      return false;
    }
    byte[] given = authorization.strip().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    // both compared, so the answer's timing says nothing about which scheme is set up
    ok |= bearer != null && MessageDigest.isEqual(bearer, given);
    ok |= basic != null && MessageDigest.isEqual(basic, given);
    return ok;
  }

  /** The {@code WWW-Authenticate} value naming the schemes set up. */
  String challenge(boolean basicPrompt) {
    StringBuilder b = new StringBuilder();
    if (bearer != null) {
      b.append("Bearer realm=\"fabstir\"");
    }
    if (basic != null && basicPrompt) {
      b.append(b.length() > 0 ? ", " : "").append("Basic realm=\"fabstir\", charset=\"UTF-8\"");
    }
    return b.length() == 0 ? "Bearer realm=\"fabstir\"" : b.toString();
  }

  /** The schemes set up, for the page's login form. */
  String schemes() {
    return (bearer != null ? "Bearer" : "") + (bearer != null && basic != null ? "," : "") + (basic != null ? "Basic" : "");
  }
}
