package dev.aigateway.controlplane.admin.admintoken;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.AdminAuth;
import dev.aigateway.controlplane.admin.auth.AdminBootstrap;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.admintoken.AdminToken;
import dev.aigateway.db.admintoken.AdminTokenRepository;
import dev.aigateway.db.secret.Hashes;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** {@code /api/v1/admin-tokens} and {@code /api/v1/me}. */
public final class AdminTokenRoutes {
  private AdminTokenRoutes() {}

  record Create(@Nullable String name, @Nullable String role) {}

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, Writes writes) {
    routes.get(
        "/api/v1/me",
        ctx -> {
          Principal p = Principal.of(ctx);
          ctx.json(Map.of("name", p.name(), "role", p.role().wire()));
        });
    String base = "/api/v1/admin-tokens";
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          Page<AdminToken> page =
              AdminTokenRepository.list(db.dsl(), paging.limit(), paging.offset());
          ctx.json(new ListResponse<>(page.items(), page.total(), paging.limit(), paging.offset()));
        });
    routes.post(
        base,
        ctx -> {
          Create in = Requests.body(ctx, mapper, Create.class).value();
          Validation v = new Validation();
          v.text("name", in.name(), Validation.MAX_NAME);
          v.oneOf("role", in.role(), List.of("admin", "viewer"));
          v.throwIfInvalid();
          String token = Hashes.newToken(AdminAuth.TOKEN_PREFIX, 32);
          AdminToken created =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    UUID id = UUID.randomUUID();
                    AdminTokenRepository.insert(
                        change.tx(),
                        id,
                        in.name(),
                        in.role(),
                        AdminBootstrap.prefix(token),
                        Hashes.sha256(token));
                    AdminToken stored = AdminTokenRepository.find(change.tx(), id).orElseThrow();
                    change.audit("create", "admin_token", id, null, stored);
                    return stored;
                  });
          ObjectNode out = mapper.valueToTree(created);
          out.put("token", token);
          ctx.status(201).json(out);
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          UUID id = Requests.idParam(ctx, "id", "admin token");
          writes.run(
              Principal.of(ctx),
              change -> {
                AdminToken current =
                    AdminTokenRepository.find(change.tx(), id)
                        .orElseThrow(() -> ApiProblem.notFound("no such admin token"));
                if (current.revokedAt() == null
                    && current.role().equals("admin")
                    && AdminTokenRepository.countActiveAdmins(change.tx()) <= 1) {
                  throw ApiProblem.conflict("the last admin token cannot be revoked");
                }
                AdminTokenRepository.revoke(change.tx(), id);
                change.audit(
                    "revoke",
                    "admin_token",
                    id,
                    current,
                    AdminTokenRepository.find(change.tx(), id).orElseThrow());
                return null;
              });
          ctx.status(204);
        });
  }
}
