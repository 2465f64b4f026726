package dev.aigateway.controlplane.admin.quota;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.ListResponse;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.FieldError;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.Database;
import dev.aigateway.db.Page;
import dev.aigateway.db.key.ApiKeyRepository;
import dev.aigateway.db.model.ModelRepository;
import dev.aigateway.db.provider.ProviderRepository;
import dev.aigateway.db.quota.Quota;
import dev.aigateway.db.quota.QuotaRepository;
import dev.aigateway.db.team.TeamRepository;
import dev.aigateway.db.usage.QuotaCounterRepository;
import dev.aigateway.db.usage.QuotaUsageReader;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import io.javalin.config.RoutesConfig;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/** {@code /api/v1/quotas}: limits per key, team, provider or everyone, optionally per model. */
public final class QuotaRoutes {
  static final List<String> SCOPES = List.of("key", "team", "provider", "global");
  static final List<String> METRICS = QuotaMetric.wireNames();
  static final List<String> WINDOWS = QuotaWindow.wireNames();
  // numeric(30, 10) holds values below 10^20.
  private static final BigDecimal MAX_LIMIT = new BigDecimal("1000000000000000000");

  private QuotaRoutes() {}

  record Create(
      @Nullable String scope,
      @Nullable UUID scopeId,
      @Nullable String model,
      @Nullable String metric,
      @Nullable String window,
      @Nullable BigDecimal limit) {}

  record Patch(
      @Nullable String model,
      @Nullable String metric,
      @Nullable String window,
      @Nullable BigDecimal limit,
      @Nullable Long version) {}

  public static void register(
      RoutesConfig routes, Database db, ObjectMapper mapper, Writes writes) {
    String base = "/api/v1/quotas";
    QuotaUsageReader usage =
        new QuotaUsageReader(new QuotaCounterRepository(db), java.time.Clock.systemUTC());
    routes.get(
        base,
        ctx -> {
          Requests.Paging paging = Requests.paging(ctx);
          String scope = Requests.query(ctx, "scope");
          if (scope != null && !SCOPES.contains(scope)) {
            throw ApiProblem.badRequest(
                "invalid query parameter",
                List.of(new FieldError("scope", "must be one of key, team, provider, global")));
          }
          String scopeIdText = Requests.query(ctx, "scope_id");
          UUID scopeId = null;
          if (scopeIdText != null) {
            scopeId =
                Requests.uuid(scopeIdText)
                    .orElseThrow(
                        () ->
                            ApiProblem.badRequest(
                                "invalid query parameter",
                                List.of(new FieldError("scope_id", "must be a UUID"))));
          }
          Page<Quota> page =
              QuotaRepository.list(
                  db.dsl(),
                  scope,
                  scopeId,
                  Requests.query(ctx, "model"),
                  paging.limit(),
                  paging.offset());
          ctx.json(
              new ListResponse<>(
                  page.items().stream().map(q -> QuotaView.withUsage(q, usage)).toList(),
                  page.total(),
                  paging.limit(),
                  paging.offset()));
        });
    routes.post(
        base,
        ctx -> {
          Create in = Requests.body(ctx, mapper, Create.class).value();
          QuotaView created =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    Validation v = new Validation();
                    if (v.oneOf("scope", in.scope(), SCOPES)) {
                      scopeTarget(change.tx(), v, in.scope(), in.scopeId());
                    }
                    Quota q =
                        validated(
                            change.tx(),
                            v,
                            UUID.randomUUID(),
                            in.scope(),
                            in.scopeId(),
                            in.model(),
                            in.metric(),
                            in.window(),
                            in.limit());
                    QuotaRepository.save(change.tx(), q, false);
                    QuotaView view =
                        QuotaView.of(QuotaRepository.find(change.tx(), q.id()).orElseThrow());
                    change.audit("create", "quota", q.id(), null, view);
                    return view;
                  });
          ctx.status(201).json(created);
        });
    routes.get(
        base + "/{id}",
        ctx ->
            ctx.json(
                QuotaView.withUsage(
                    QuotaRepository.find(db.dsl(), Requests.idParam(ctx, "id", "quota"))
                        .orElseThrow(() -> ApiProblem.notFound("no such quota")),
                    usage)));
    routes.patch(
        base + "/{id}",
        ctx -> {
          UUID id = Requests.idParam(ctx, "id", "quota");
          var body = Requests.body(ctx, mapper, Patch.class);
          Patch in = body.value();
          long expected = Requests.expectedVersion(ctx, in.version());
          QuotaView updated =
              writes.run(
                  Principal.of(ctx),
                  change -> {
                    Quota current = lock(change.tx(), id);
                    if (current.version() != expected) {
                      throw ApiProblem.staleVersion(expected, current.version());
                    }
                    Quota q =
                        validated(
                            change.tx(),
                            new Validation(),
                            id,
                            current.scope(),
                            current.scopeId(),
                            body.has("model") ? in.model() : current.model(),
                            body.has("metric") ? in.metric() : current.metric(),
                            body.has("window") ? in.window() : current.window(),
                            body.has("limit") ? in.limit() : current.limit());
                    QuotaRepository.save(change.tx(), q, true);
                    QuotaView after =
                        QuotaView.of(QuotaRepository.find(change.tx(), id).orElseThrow());
                    change.audit("update", "quota", id, QuotaView.of(current), after);
                    return after;
                  });
          ctx.json(updated);
        });
    routes.delete(
        base + "/{id}",
        ctx -> {
          UUID id = Requests.idParam(ctx, "id", "quota");
          writes.run(
              Principal.of(ctx),
              change -> {
                Quota current = lock(change.tx(), id);
                QuotaRepository.delete(change.tx(), id);
                change.audit("delete", "quota", id, QuotaView.of(current), null);
                return null;
              });
          ctx.status(204);
        });
  }

  private static Quota lock(DSLContext tx, UUID id) {
    return QuotaRepository.lock(tx, id).orElseThrow(() -> ApiProblem.notFound("no such quota"));
  }

  private static void scopeTarget(
      DSLContext tx, Validation v, String scope, @Nullable UUID scopeId) {
    switch (scope) {
      case "global" -> {
        if (scopeId != null) {
          v.add("scope_id", "must be null for scope global");
        }
      }
      case "key" -> {
        if (v.required("scope_id", scopeId) && ApiKeyRepository.find(tx, scopeId).isEmpty()) {
          v.add("scope_id", "names no key");
        }
      }
      case "team" -> {
        if (v.required("scope_id", scopeId) && TeamRepository.find(tx, scopeId).isEmpty()) {
          v.add("scope_id", "names no team");
        }
      }
      case "provider" -> {
        if (v.required("scope_id", scopeId) && ProviderRepository.find(tx, scopeId).isEmpty()) {
          v.add("scope_id", "names no provider");
        }
      }
      default -> throw new IllegalStateException(scope);
    }
  }

  private static Quota validated(
      DSLContext tx,
      Validation v,
      UUID id,
      @Nullable String scope,
      @Nullable UUID scopeId,
      @Nullable String model,
      @Nullable String metric,
      @Nullable String window,
      @Nullable BigDecimal limit) {
    if (model != null
        && v.text("model", model, Validation.MAX_NAME)
        && ModelRepository.findByName(tx, model).isEmpty()) {
      v.add("model", "names no model");
    }
    v.oneOf("metric", metric, METRICS);
    v.oneOf("window", window, WINDOWS);
    if (v.required("limit", limit) && v.range("limit", limit, BigDecimal.ZERO, MAX_LIMIT)) {
      if (!QuotaMetric.COST_USD.wireName().equals(metric)
          && limit.stripTrailingZeros().scale() > 0) {
        v.add("limit", "must be a whole number of tokens");
      } else if (limit.stripTrailingZeros().scale() > 10) {
        v.add("limit", "has at most 10 decimal places");
      }
    }
    v.throwIfInvalid();
    Instant now = Instant.EPOCH;
    return new Quota(id, scope, scopeId, model, metric, window, limit, 1, now, now);
  }
}
