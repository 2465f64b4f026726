package dev.aigateway.controlplane.admin.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.provider.Provider;
import dev.aigateway.db.provider.ProviderRepository;
import io.javalin.config.RoutesConfig;
import java.util.UUID;

/** HTTP in and out for {@code /api/v1/providers}. */
public final class ProviderRoutes {
  private ProviderRoutes() {}

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, ProviderService service) {
    ProviderTester tester = new ProviderTester();
    String base = "/api/v1/providers";
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          String schema = Requests.query(ctx, "schema");
          if (schema != null && ProviderSchema.fromWire(schema).isEmpty()) {
            throw ApiProblem.badRequest(
                "invalid query parameter",
                java.util.List.of(
                    new dev.aigateway.controlplane.admin.problem.FieldError(
                        "schema",
                        "must be one of " + String.join(", ", ProviderSchema.wireNames()))));
          }
          Page<Provider> page =
              service.list(
                  db.dsl(), schema, Requests.query(ctx, "q"), paging.limit(), paging.offset());
          ctx.json(new ListResponse<>(page.items(), page.total(), paging.limit(), paging.offset()));
        });
    routes.post(
        base,
        ctx -> {
          var body = Requests.body(ctx, mapper, ProviderRequests.Create.class);
          ctx.status(201).json(service.create(Principal.of(ctx), body.value()));
        });
    routes.get(
        base + "/{id}", ctx -> ctx.json(ProviderService.resolve(db.dsl(), ctx.pathParam("id"))));
    routes.patch(
        base + "/{id}",
        ctx -> {
          var body = Requests.body(ctx, mapper, ProviderRequests.Patch.class);
          long expected = Requests.expectedVersion(ctx, body.value().version());
          ctx.json(service.update(Principal.of(ctx), ctx.pathParam("id"), body, expected));
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          service.delete(Principal.of(ctx), ctx.pathParam("id"));
          ctx.status(204);
        });
    routes.post(
        base + "/{id}/credentials",
        ctx -> {
          var body = Requests.body(ctx, mapper, CredentialInput.class);
          ctx.status(201)
              .json(service.addCredential(Principal.of(ctx), ctx.pathParam("id"), body.value()));
        });
    routes.delete(
        base + "/{id}/credentials/{credential_id}",
        ctx -> {
          UUID credentialId = Requests.idParam(ctx, "credential_id", "credential");
          service.deleteCredential(Principal.of(ctx), ctx.pathParam("id"), credentialId);
          ctx.status(204);
        });
    routes.post(
        base + "/{id}/test",
        ctx -> {
          Provider provider = ProviderService.resolve(db.dsl(), ctx.pathParam("id"));
          // Stored before the rules existed, or DNS changed since: the control plane itself
          // would make this call, so the address is checked again now.
          String problem = service.addressPolicy().problem(provider.baseUrl());
          if (problem != null) {
            throw ApiProblem.badRequest(
                "provider address refused",
                java.util.List.of(
                    new dev.aigateway.controlplane.admin.problem.FieldError("base_url", problem)));
          }
          ctx.json(
              tester.test(
                  provider,
                  ProviderRepository.sealedCredentials(db.dsl(), provider.id()),
                  service::open));
        });
  }
}
