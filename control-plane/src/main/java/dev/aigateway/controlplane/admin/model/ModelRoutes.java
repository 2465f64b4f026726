package dev.aigateway.controlplane.admin.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.model.Model;
import dev.aigateway.db.model.ModelRepository;
import dev.aigateway.db.provider.ProviderRepository;
import io.javalin.config.RoutesConfig;
import java.util.UUID;

/** HTTP in and out for {@code /api/v1/models}. */
public final class ModelRoutes {
  private ModelRoutes() {}

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, ModelService service) {
    String base = "/api/v1/models";
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          String provider = Requests.query(ctx, "provider");
          // An unknown provider in the filter matches nothing (a random id does).
          UUID providerId =
              provider == null
                  ? null
                  : Requests.uuid(provider)
                      .flatMap(id -> ProviderRepository.find(db.dsl(), id))
                      .or(() -> ProviderRepository.findByName(db.dsl(), provider))
                      .map(p -> p.id())
                      .orElseGet(UUID::randomUUID);
          Page<Model> page =
              ModelRepository.list(
                  db.dsl(), providerId, Requests.query(ctx, "q"), paging.limit(), paging.offset());
          ctx.json(
              new ListResponse<>(
                  page.items().stream().map(ModelView::of).toList(),
                  page.total(),
                  paging.limit(),
                  paging.offset()));
        });
    routes.post(
        base,
        ctx -> {
          var body = Requests.body(ctx, mapper, ModelRequests.Create.class);
          ctx.status(201).json(service.create(Principal.of(ctx), body.value()));
        });
    routes.get(
        base + "/{id}",
        ctx -> ctx.json(ModelView.of(ModelService.resolve(db.dsl(), ctx.pathParam("id")))));
    routes.patch(
        base + "/{id}",
        ctx -> {
          var body = Requests.body(ctx, mapper, ModelRequests.Patch.class);
          long expected = Requests.expectedVersion(ctx, body.value().version());
          ctx.json(service.update(Principal.of(ctx), ctx.pathParam("id"), body, expected));
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          service.delete(Principal.of(ctx), ctx.pathParam("id"));
          ctx.status(204);
        });
  }
}
