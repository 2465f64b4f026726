package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.ControlPlaneSettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.jooq.DSLContext;

/**
 * {@code GET /api/v1/fleets/{name}/bootstrap}: the Envoy bootstrap of a fleet as YAML.
 *
 * <p>Authentication comes from the admin API's before-handler on {@code /api/v1/*}.
 */
public final class XdsRoutes {
  /** Envoy's admin port in generated bootstraps; no fleet listener may use it. */
  public static final int DEFAULT_ENVOY_ADMIN_PORT = 9901;

  private static final ObjectMapper JSON = new ObjectMapper();

  private XdsRoutes() {}

  /**
   * Registers the route.
   *
   * @param xdsPort the port the xDS server actually listens on (known once it has started)
   */
  public static void register(
      RoutesConfig routes, DSLContext dsl, ControlPlaneSettings settings, IntSupplier xdsPort) {
    requireNonNull(dsl, "dsl");
    requireNonNull(settings, "settings");
    requireNonNull(xdsPort, "xdsPort");
    routes.get("/api/v1/fleets/{name}/bootstrap", ctx -> bootstrap(ctx, dsl, settings, xdsPort));
  }

  private static void bootstrap(
      Context ctx, DSLContext dsl, ControlPlaneSettings settings, IntSupplier xdsPort) {
    String name = ctx.pathParam("name");
    Optional<XdsState.Fleet> fleet = XdsStateReader.fleet(dsl, name);
    if (fleet.isEmpty()) {
      problem(ctx, 404, "Not Found", "fleet '" + name + "' does not exist");
      return;
    }
    int port = xdsPort.getAsInt();
    String portParam = ctx.queryParam("xds_port");
    if (portParam != null) {
      try {
        port = Integer.parseInt(portParam);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        problem(ctx, 400, "Bad Request", "xds_port: " + portParam + " (expected: 1..65535)");
        return;
      }
    }
    String host = ctx.queryParam("xds_host");
    if (host == null || host.isBlank()) {
      host = defaultXdsHost(settings.bindAddress(), ctx.host());
    }
    String nodeId = ctx.queryParam("node_id");
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = name + "-envoy";
    }
    String yaml =
        BootstrapYaml.render(
            new BootstrapYaml.Params(
                name,
                nodeId,
                host,
                port,
                DEFAULT_ENVOY_ADMIN_PORT,
                settings.security().envoyTls()));
    ctx.contentType("application/yaml").result(yaml);
  }

  /**
   * The bind address, unless it is a wildcard: then the host the caller used to reach this replica,
   * which is at least reachable from there.
   */
  static String defaultXdsHost(String bindAddress, String requestHost) {
    if (!bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) {
      return bindAddress;
    }
    if (requestHost == null || requestHost.isBlank()) {
      return "127.0.0.1";
    }
    String host = requestHost;
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 ? host.substring(1, end) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 ? host.substring(0, colon) : host;
  }

  // UNFINISHED-MERGE: the admin API has one place that renders problem+json; use it once merged.
  private static void problem(Context ctx, int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    try {
      ctx.status(status)
          .contentType("application/problem+json")
          .result(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
