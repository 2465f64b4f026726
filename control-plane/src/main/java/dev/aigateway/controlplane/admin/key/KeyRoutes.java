package dev.aigateway.controlplane.admin.key;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.FieldError;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.controlplane.admin.team.TeamRoutes;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.Ref;
import dev.aigateway.db.key.ApiKey;
import dev.aigateway.db.key.ApiKeyRepository;
import dev.aigateway.db.model.ModelRepository;
import dev.aigateway.db.quota.QuotaRepository;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.db.team.Team;
import dev.aigateway.db.team.TeamRepository;
import dev.aigateway.vocabulary.key.KeyHash;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * {@code /api/v1/keys}: client keys. The secret ({@code sk-gw-} + base62 of 32 random bytes) is
 * returned once by the create call and stored only as its SHA-256.
 */
public final class KeyRoutes {
  static final String KEY_PREFIX = "sk-gw-";
  static final int MAX_ALLOWED_MODELS = 256;

  private KeyRoutes() {}

  record Create(
      @Nullable String name,
      @Nullable String team,
      @Nullable List<String> allowedModels,
      @Nullable Instant expiresAt) {}

  record Patch(
      @Nullable String name,
      @Nullable List<String> allowedModels,
      @Nullable Instant expiresAt,
      @Nullable Long version) {}

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, Writes writes, Clock clock) {
    String base = "/api/v1/keys";
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          String team = Requests.query(ctx, "team");
          String status = Requests.query(ctx, "status");
          if (status != null && !List.of("active", "revoked", "expired").contains(status)) {
            throw ApiProblem.badRequest(
                "invalid query parameter",
                List.of(new FieldError("status", "must be one of active, revoked, expired")));
          }
          // An unknown team in the filter matches nothing (a random id does).
          UUID teamId =
              team == null
                  ? null
                  : Requests.uuid(team)
                      .flatMap(id -> TeamRepository.find(db.dsl(), id))
                      .or(() -> TeamRepository.findByName(db.dsl(), team))
                      .map(Team::id)
                      .orElseGet(UUID::randomUUID);
          Instant now = clock.instant();
          Page<ApiKey> page =
              ApiKeyRepository.list(
                  db.dsl(),
                  teamId,
                  status,
                  Requests.query(ctx, "q"),
                  now,
                  paging.limit(),
                  paging.offset());
          ctx.json(
              new ListResponse<>(
                  page.items().stream().map(k -> KeyView.of(k, now)).toList(),
                  page.total(),
                  paging.limit(),
                  paging.offset()));
        });
    routes.post(
        base,
        ctx -> {
          Create in = Requests.body(ctx, mapper, Create.class).value();
          CreatedKey created =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    Validation v = new Validation();
                    v.text("name", in.name(), Validation.MAX_NAME);
                    Team team = null;
                    if (v.text("team", in.team(), 256)) {
                      try {
                        team = TeamRoutes.resolve(change.tx(), in.team());
                      } catch (ApiProblem e) {
                        v.add("team", "names no team");
                      }
                    }
                    List<String> models = allowedModels(change.tx(), v, in.allowedModels());
                    expiry(v, in.expiresAt(), clock);
                    v.throwIfInvalid();
                    String secret = Hashes.newToken(KEY_PREFIX, 32);
                    UUID id = UUID.randomUUID();
                    ApiKeyRepository.insert(
                        change.tx(),
                        id,
                        in.name(),
                        team.id(),
                        secret.substring(0, 12),
                        KeyHash.of(secret),
                        models,
                        in.expiresAt());
                    KeyView view =
                        KeyView.of(
                            ApiKeyRepository.find(change.tx(), id).orElseThrow(), clock.instant());
                    change.audit("create", "key", id, null, view);
                    return new CreatedKey(view, secret);
                  });
          com.fasterxml.jackson.databind.node.ObjectNode out = mapper.valueToTree(created.view());
          out.put("key", created.key());
          ctx.status(201).json(out);
        });
    routes.get(
        base + "/{id}",
        ctx ->
            ctx.json(
                KeyView.of(
                    ApiKeyRepository.find(db.dsl(), Requests.idParam(ctx, "id", "key"))
                        .orElseThrow(() -> ApiProblem.notFound("no such key")),
                    clock.instant())));
    routes.patch(
        base + "/{id}",
        ctx -> {
          UUID id = Requests.idParam(ctx, "id", "key");
          var body = Requests.body(ctx, mapper, Patch.class);
          Patch in = body.value();
          long expected = Requests.expectedVersion(ctx, in.version());
          KeyView updated =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    ApiKey current = lock(change.tx(), id);
                    if (current.version() != expected) {
                      throw ApiProblem.staleVersion(expected, current.version());
                    }
                    Validation v = new Validation();
                    String name = body.has("name") ? in.name() : current.name();
                    v.text("name", name, Validation.MAX_NAME);
                    List<String> models =
                        body.has("allowed_models")
                            ? allowedModels(change.tx(), v, in.allowedModels())
                            : current.allowedModels();
                    Instant expiresAt =
                        body.has("expires_at") ? in.expiresAt() : current.expiresAt();
                    if (body.has("expires_at")) {
                      expiry(v, expiresAt, clock);
                    }
                    v.throwIfInvalid();
                    ApiKeyRepository.update(
                        change.tx(), id, name, models, expiresAt, current.revokedAt());
                    return audited(change, "update", current, clock);
                  });
          ctx.json(updated);
        });
    routes.post(
        base + "/{id}/revoke",
        ctx -> {
          UUID id = Requests.idParam(ctx, "id", "key");
          KeyView revoked =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    ApiKey current = lock(change.tx(), id);
                    if (current.revokedAt() != null) {
                      throw ApiProblem.conflict("the key is already revoked");
                    }
                    ApiKeyRepository.update(
                        change.tx(),
                        id,
                        current.name(),
                        current.allowedModels(),
                        current.expiresAt(),
                        clock.instant());
                    return audited(change, "revoke", current, clock);
                  });
          ctx.json(revoked);
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          UUID id = Requests.idParam(ctx, "id", "key");
          writes.run(
              Principal.of(ctx),
              change -> {
                ApiKey current = lock(change.tx(), id);
                List<Ref> quotas = QuotaRepository.scopedTo(change.tx(), "key", id);
                if (!quotas.isEmpty()) {
                  throw ApiProblem.referenced("the key still has quotas", quotas);
                }
                ApiKeyRepository.delete(change.tx(), id);
                change.audit("delete", "key", id, KeyView.of(current, clock.instant()), null);
                return null;
              });
          ctx.status(204);
        });
  }

  private static KeyView audited(Writes.Change change, String action, ApiKey before, Clock clock) {
    Instant now = clock.instant();
    KeyView after = KeyView.of(ApiKeyRepository.find(change.tx(), before.id()).orElseThrow(), now);
    change.audit(action, "key", before.id(), KeyView.of(before, now), after);
    return after;
  }

  private static ApiKey lock(DSLContext tx, UUID id) {
    return ApiKeyRepository.lock(tx, id).orElseThrow(() -> ApiProblem.notFound("no such key"));
  }

  private static void expiry(Validation v, @Nullable Instant expiresAt, Clock clock) {
    if (!v.timestamp("expires_at", expiresAt)) {
      return;
    }
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      v.add("expires_at", "must be in the future");
    }
  }

  private static List<String> allowedModels(
      DSLContext tx, Validation v, @Nullable List<String> models) {
    if (models == null) {
      return List.of();
    }
    if (models.size() > MAX_ALLOWED_MODELS) {
      v.add("allowed_models", "must have at most " + MAX_ALLOWED_MODELS + " items");
      return List.of();
    }
    for (int i = 0; i < models.size(); i++) {
      String field = "allowed_models[" + i + "]";
      if (v.text(field, models.get(i), Validation.MAX_NAME)
          && ModelRepository.findByName(tx, models.get(i)).isEmpty()) {
        v.add(field, "names no model");
      }
    }
    return List.copyOf(new LinkedHashSet<>(models.stream().filter(m -> m != null).toList()));
  }
}
