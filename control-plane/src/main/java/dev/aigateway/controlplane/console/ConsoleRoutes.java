package dev.aigateway.controlplane.console;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.http.SecurityHeaders;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin console (the built admin-ui single-page app) from the classpath at {@code /},
 * answering client-side routes such as {@code /providers} with {@code index.html}.
 */
public final class ConsoleRoutes {
  private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);

  /** Where the admin-ui module packages its built files. */
  public static final String CLASSPATH_ROOT = "META-INF/resources/admin-ui";

  // Paths that belong to the server: an unknown one is a 404, never the console's page.
  private static final List<String> SERVER_PREFIXES =
      List.of("/api/", "/metrics", "/healthz", "/readyz");

  private ConsoleRoutes() {}

  /** Registers the console at {@code /}; without a built console, {@code /} says so instead. */
  public static void register(JavalinConfig config) {
    register(config, CLASSPATH_ROOT);
  }

  static void register(JavalinConfig config, String classpathRoot) {
    requireNonNull(config, "config");
    String root = trimSlashes(requireNonNull(classpathRoot, "classpathRoot"));
    ConsoleAssets assets = ConsoleAssets.load(root);
    ConsoleAssets.Asset index = assets.get("/index.html");
    if (index == null) {
      // Javalin refuses to start with a missing static directory, and the API must still work
      // when the console was not built (for example a build with the admin-ui module skipped).
      log.warn("admin console not found on the classpath at {}; serving the API only", root);
      config.routes.get(
          "/",
          ctx ->
              ctx.status(404)
                  .contentType("text/plain; charset=utf-8")
                  .result("The admin console is not part of this build; the API is at /api/v1/."));
      return;
    }
    byte[] indexHtml = index.bytes();
    // One exact route per file, served from memory (ConsoleAssets says why not Jetty's).
    config.routes.get("/", ctx -> serveIndex(ctx, indexHtml));
    assets
        .files()
        .forEach(
            (path, asset) -> {
              if (!path.equals("/index.html")) {
                config.routes.get(path, ctx -> serveAsset(ctx, path, asset));
              }
            });
    config.spaRoot.addHandler("/", ctx -> serveIndex(ctx, indexHtml));
  }

  private static void serveAsset(Context ctx, String path, ConsoleAssets.Asset asset) {
    SecurityHeaders.headers().forEach(ctx::header);
    ctx.status(200)
        .contentType(asset.contentType())
        // Vite names built assets by content hash: a name never changes meaning.
        .header(
            "Cache-Control",
            path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache")
        .result(asset.bytes());
  }

  private static void serveIndex(Context ctx, byte[] indexHtml) {
    String path = ctx.path();
    if (isServerPath(path) || looksLikeFile(path)) {
      throw new NotFoundResponse();
    }
    ctx.status(200)
        .contentType("text/html; charset=utf-8")
        // The page names the hashed assets of one build: always revalidate it.
        .header("Cache-Control", "no-cache")
        .result(indexHtml);
  }

  static boolean isServerPath(String path) {
    for (String prefix : SERVER_PREFIXES) {
      String bare = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      if (path.equals(bare) || path.startsWith(bare + "/")) {
        return true;
      }
    }
    return false;
  }

  /** A missing {@code /assets/app.js} must be a 404, not HTML the browser tries to run. */
  private static boolean looksLikeFile(String path) {
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.contains(".");
  }

  private static String trimSlashes(String s) {
    String out = s;
    while (out.startsWith("/")) {
      out = out.substring(1);
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
