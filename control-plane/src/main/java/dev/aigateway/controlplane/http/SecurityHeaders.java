package dev.aigateway.controlplane.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Response headers that keep the console from being framed (clickjacking), from running scripts
 * that are not its own and from having responses sniffed as another content type. The console is a
 * single-page app served from this origin that talks only to this origin's API.
 */
public final class SecurityHeaders {
  /**
   * Scripts, fonts, images and API calls from this origin only; inline styles stay allowed because
   * the console's component library sets style attributes at runtime (no inline scripts are).
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  static final Map<String, String> HEADERS =
      Map.of(
          "Content-Security-Policy", CONTENT_SECURITY_POLICY,
          "X-Frame-Options", "DENY",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer");

  private SecurityHeaders() {}

  /** Adds the headers to every response: routes, errors and static files. */
  public static void apply(JavalinConfig config) {
    config.routes.before(SecurityHeaders::add);
  }

  /** The headers, for static file handlers that do not run before-handlers. */
  public static Map<String, String> headers() {
    return HEADERS;
  }

  static void add(Context ctx) {
    HEADERS.forEach(ctx::header);
  }
}
