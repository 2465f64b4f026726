package dev.aigateway.controlplane.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.admintoken.AdminTokenRoutes;
import dev.aigateway.controlplane.admin.audit.AuditRoutes;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.AdminAuth;
import dev.aigateway.controlplane.admin.fleet.FleetRoutes;
import dev.aigateway.controlplane.admin.json.AdminJson;
import dev.aigateway.controlplane.admin.key.KeyRoutes;
import dev.aigateway.controlplane.admin.model.ModelRoutes;
import dev.aigateway.controlplane.admin.model.ModelService;
import dev.aigateway.controlplane.admin.openapi.OpenApiDocument;
import dev.aigateway.controlplane.admin.problem.DatabaseDown;
import dev.aigateway.controlplane.admin.problem.ProblemResponses;
import dev.aigateway.controlplane.admin.provider.ProviderRoutes;
import dev.aigateway.controlplane.admin.provider.ProviderService;
import dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy;
import dev.aigateway.controlplane.admin.quota.QuotaRoutes;
import dev.aigateway.controlplane.admin.team.TeamRoutes;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/** The admin REST API under {@code /api/v1}: JSON mapping, auth, error mapping and all routes. */
public final class AdminApi {
  private AdminApi() {}

  /** Configures {@code config}, refusing private provider addresses. */
  public static void configure(JavalinConfig config, Database db, SecretCipher cipher) {
    configure(config, db, cipher, new UpstreamAddressPolicy(false));
  }

  /** Configures {@code config}: the JSON mapper, the auth before-handler, errors and routes. */
  public static void configure(
      JavalinConfig config, Database db, SecretCipher cipher, UpstreamAddressPolicy addresses) {
    configure(config, db, cipher, addresses, () -> true);
  }

  /**
   * As above; while {@code databaseReachable} says no, every API call answers 503 at once (every
   * call needs the database, if only to check the token) instead of waiting out a connection
   * timeout.
   */
  public static void configure(
      JavalinConfig config,
      Database db,
      SecretCipher cipher,
      UpstreamAddressPolicy addresses,
      BooleanSupplier databaseReachable) {
    ObjectMapper mapper = AdminJson.newMapper();
    config.jsonMapper(new JavalinJackson(mapper, false));
    AdminAuth auth = new AdminAuth(db);
    // Before auth: checking the token is itself a database read.
    config.routes.before(
        "/api/v1/*",
        ctx -> {
          if (!databaseReachable.getAsBoolean()) {
            throw DatabaseDown.problem(ctx);
          }
        });
    // A before-handler on the whole prefix also guards routes registered by other packages.
    config.routes.before("/api/v1/*", auth::handle);
    ProblemResponses.register(config.routes, mapper);
    Writes writes = new Writes(db, mapper);
    String openApi = OpenApiDocument.build(mapper).toPrettyString();
    config.routes.get(
        "/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    AdminTokenRoutes.register(config.routes, db, mapper, writes);
    ProviderRoutes.register(
        config.routes, db, mapper, new ProviderService(writes, cipher, addresses));
    ModelRoutes.register(config.routes, db, mapper, new ModelService(writes));
    TeamRoutes.register(config.routes, db, mapper, writes);
    KeyRoutes.register(config.routes, db, mapper, writes, Clock.systemUTC());
    QuotaRoutes.register(config.routes, db, mapper, writes);
    FleetRoutes.register(config.routes, db, mapper, writes);
    AuditRoutes.register(config.routes, db);
  }
}
