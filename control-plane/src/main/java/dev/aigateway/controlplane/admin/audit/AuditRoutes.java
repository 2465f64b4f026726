package dev.aigateway.controlplane.admin.audit;

import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.audit.AuditEntry;
import dev.aigateway.db.audit.AuditRepository;
import io.javalin.config.RoutesConfig;

/** {@code GET /api/v1/audit}: who changed what, when, newest first. */
public final class AuditRoutes {
  private AuditRoutes() {}

  public static void register(RoutesConfig routes, Database db) {
    routes.get(
        "/api/v1/audit",
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          AuditRepository.Filter filter =
              new AuditRepository.Filter(
                  Requests.query(ctx, "resource_type"),
                  Requests.query(ctx, "resource_id"),
                  Requests.query(ctx, "actor"),
                  Requests.query(ctx, "action"),
                  Requests.instantQuery(ctx, "from"),
                  Requests.instantQuery(ctx, "to"));
          Page<AuditEntry> page =
              AuditRepository.list(db.dsl(), filter, paging.limit(), paging.offset());
          ctx.json(new ListResponse<>(page.items(), page.total(), paging.limit(), paging.offset()));
        });
  }
}
