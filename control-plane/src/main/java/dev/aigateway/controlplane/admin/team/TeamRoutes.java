package dev.aigateway.controlplane.admin.team;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.Ref;
import dev.aigateway.db.team.Team;
import dev.aigateway.db.team.TeamRepository;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/** {@code /api/v1/teams}: teams only have a unique name; a team with keys cannot be deleted. */
public final class TeamRoutes {
  private TeamRoutes() {}

  record Create(@Nullable String name) {}

  record Patch(@Nullable String name, @Nullable Long version) {}

  public static Team resolve(DSLContext dsl, String idOrName) {
    return Requests.uuid(idOrName)
        .flatMap(id -> TeamRepository.find(dsl, id))
        .or(() -> TeamRepository.findByName(dsl, idOrName))
        .orElseThrow(() -> ApiProblem.notFound("no such team"));
  }

  private static Team lock(DSLContext tx, String idOrName) {
    Team found = resolve(tx, idOrName);
    return TeamRepository.lock(tx, found.id())
        .orElseThrow(() -> ApiProblem.notFound("no such team"));
  }

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, Writes writes) {
    String base = "/api/v1/teams";
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          Page<Team> page =
              TeamRepository.list(
                  db.dsl(), Requests.query(ctx, "q"), paging.limit(), paging.offset());
          ctx.json(new ListResponse<>(page.items(), page.total(), paging.limit(), paging.offset()));
        });
    routes.post(
        base,
        ctx -> {
          Create in = Requests.body(ctx, mapper, Create.class).value();
          Validation v = new Validation();
          v.text("name", in.name(), Validation.MAX_NAME);
          v.throwIfInvalid();
          Team created =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    UUID id = UUID.randomUUID();
                    TeamRepository.insert(change.tx(), id, in.name());
                    Team team = TeamRepository.find(change.tx(), id).orElseThrow();
                    change.audit("create", "team", id, null, team);
                    return team;
                  });
          ctx.status(201).json(created);
        });
    routes.get(base + "/{id}", ctx -> ctx.json(resolve(db.dsl(), ctx.pathParam("id"))));
    routes.patch(
        base + "/{id}",
        ctx -> {
          var body = Requests.body(ctx, mapper, Patch.class);
          long expected = Requests.expectedVersion(ctx, body.value().version());
          Team updated =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    Team current = lock(change.tx(), ctx.pathParam("id"));
                    if (current.version() != expected) {
                      throw ApiProblem.staleVersion(expected, current.version());
                    }
                    String name = body.has("name") ? body.value().name() : current.name();
                    Validation v = new Validation();
                    v.text("name", name, Validation.MAX_NAME);
                    v.throwIfInvalid();
                    TeamRepository.rename(change.tx(), current.id(), name);
                    Team after = TeamRepository.find(change.tx(), current.id()).orElseThrow();
                    change.audit("update", "team", current.id(), current, after);
                    return after;
                  });
          ctx.json(updated);
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          writes.run(
              Principal.of(ctx),
              change -> {
                Team current = lock(change.tx(), ctx.pathParam("id"));
                List<Ref> keys = TeamRepository.keysOf(change.tx(), current.id());
                if (!keys.isEmpty()) {
                  throw ApiProblem.referenced(
                      "team " + current.name() + " still has " + keys.size() + " keys", keys);
                }
                List<Ref> quotas =
                    dev.aigateway.db.quota.QuotaRepository.scopedTo(
                        change.tx(), "team", current.id());
                if (!quotas.isEmpty()) {
                  throw ApiProblem.referenced(
                      "team " + current.name() + " still has quotas", quotas);
                }
                TeamRepository.delete(change.tx(), current.id());
                change.audit("delete", "team", current.id(), current, null);
                return null;
              });
          ctx.status(204);
        });
  }
}
