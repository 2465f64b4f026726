package dev.aigateway.controlplane.admin.model;

import dev.aigateway.controlplane.admin.audit.Writes;
import dev.aigateway.controlplane.admin.auth.Principal;
import dev.aigateway.controlplane.admin.http.Requests;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.Validation;
import dev.aigateway.db.Ref;
import dev.aigateway.db.model.Failover;
import dev.aigateway.db.model.Model;
import dev.aigateway.db.model.ModelRepository;
import dev.aigateway.db.provider.Provider;
import dev.aigateway.db.provider.ProviderRepository;
import dev.aigateway.db.quota.QuotaRepository;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Model rules: a unique public name, 1..32 targets on existing providers (priority 0 first),
 * optional prices, failover settings.
 */
public final class ModelService {
  static final int MAX_TARGETS = 32;
  static final int MAX_PRIORITY = 1000;
  private static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

  private final Writes writes;

  public ModelService(Writes writes) {
    this.writes = writes;
  }

  public static Model resolve(DSLContext dsl, String idOrName) {
    return Requests.uuid(idOrName)
        .flatMap(id -> ModelRepository.find(dsl, id))
        .or(() -> ModelRepository.findByName(dsl, idOrName))
        .orElseThrow(() -> ApiProblem.notFound("no such model"));
  }

  ModelView create(Principal actor, ModelRequests.Create in) {
    return writes.run(
        actor,
        change -> {
          Validation v = new Validation();
          v.text("name", in.name(), Validation.MAX_NAME);
          List<Model.Target> targets = targets(change.tx(), v, in.targets());
          validatePricing(v, in.pricing());
          Failover failover = FailoverRules.merge(v, Failover.DEFAULTS, in.failover());
          v.throwIfInvalid();
          UUID id = UUID.randomUUID();
          save(change.tx(), id, false, in.name(), targets, in.pricing(), failover);
          ModelView created = ModelView.of(ModelRepository.find(change.tx(), id).orElseThrow());
          change.audit("create", "model", id, null, created);
          return created;
        });
  }

  ModelView update(
      Principal actor, String idOrName, Requests.Body<ModelRequests.Patch> body, long expected) {
    ModelRequests.Patch in = body.value();
    return writes.run(
        actor,
        change -> {
          Model current = lock(change.tx(), idOrName);
          if (current.version() != expected) {
            throw ApiProblem.staleVersion(expected, current.version());
          }
          ModelView before = ModelView.of(current);
          Validation v = new Validation();
          String name = body.has("name") ? in.name() : current.name();
          v.text("name", name, Validation.MAX_NAME);
          List<Model.Target> targets =
              body.has("targets") ? targets(change.tx(), v, in.targets()) : current.targets();
          ModelRequests.Pricing pricing;
          if (body.has("pricing")) {
            pricing = in.pricing();
            validatePricing(v, pricing);
          } else {
            pricing =
                new ModelRequests.Pricing(
                    current.inputPerMillion(),
                    current.outputPerMillion(),
                    current.cachedInputPerMillion());
          }
          Failover failover =
              body.has("failover")
                  ? FailoverRules.merge(v, current.failover(), in.failover())
                  : current.failover();
          v.throwIfInvalid();
          if (!name.equals(current.name())) {
            requireUnreferencedByQuotas(change.tx(), current, "renamed");
          }
          save(change.tx(), current.id(), true, name, targets, pricing, failover);
          ModelView after =
              ModelView.of(ModelRepository.find(change.tx(), current.id()).orElseThrow());
          change.audit("update", "model", current.id(), before, after);
          return after;
        });
  }

  void delete(Principal actor, String idOrName) {
    writes.run(
        actor,
        change -> {
          Model current = lock(change.tx(), idOrName);
          requireUnreferencedByQuotas(change.tx(), current, "deleted");
          ModelRepository.delete(change.tx(), current.id());
          change.audit("delete", "model", current.id(), ModelView.of(current), null);
          return null;
        });
  }

  private static void requireUnreferencedByQuotas(DSLContext tx, Model model, String what) {
    List<Ref> quotas = QuotaRepository.forModel(tx, model.name());
    if (!quotas.isEmpty()) {
      throw ApiProblem.referenced(
          "model " + model.name() + " cannot be " + what + " while quotas refer to it", quotas);
    }
  }

  private static Model lock(DSLContext tx, String idOrName) {
    Model found = resolve(tx, idOrName);
    return ModelRepository.lock(tx, found.id())
        .orElseThrow(() -> ApiProblem.notFound("no such model"));
  }

  private static void save(
      DSLContext tx,
      UUID id,
      boolean exists,
      String name,
      List<Model.Target> targets,
      ModelRequests.@Nullable Pricing pricing,
      Failover failover) {
    ModelRepository.save(
        tx,
        id,
        exists,
        name,
        targets,
        pricing == null ? null : pricing.inputPerMillion(),
        pricing == null ? null : pricing.outputPerMillion(),
        pricing == null ? null : pricing.cachedInputPerMillion(),
        failover);
  }

  private static List<Model.Target> targets(
      DSLContext tx, Validation v, @Nullable List<ModelRequests.Target> inputs) {
    List<Model.Target> result = new ArrayList<>();
    if (!v.required("targets", inputs)) {
      return result;
    }
    if (inputs.isEmpty() || inputs.size() > MAX_TARGETS) {
      v.add("targets", "must have 1 to " + MAX_TARGETS + " items");
      return result;
    }
    for (int i = 0; i < inputs.size(); i++) {
      String field = "targets[" + i + "]";
      ModelRequests.Target t = inputs.get(i);
      if (t == null) {
        v.add(field, "is required");
        continue;
      }
      Optional<Provider> provider = Optional.empty();
      if (v.text(field + ".provider", t.provider(), 256)) {
        provider =
            Requests.uuid(t.provider())
                .flatMap(id -> ProviderRepository.find(tx, id))
                .or(() -> ProviderRepository.findByName(tx, t.provider()));
        if (provider.isEmpty()) {
          v.add(field + ".provider", "names no provider");
        }
      }
      v.text(field + ".model", t.model(), 256);
      int weight = t.weight() == null ? 1 : t.weight();
      int priority = t.priority() == null ? 0 : t.priority();
      v.range(field + ".weight", weight, 0, 1_000_000);
      // 0 is the first choice (Envoy's priority levels); the database allows 0..1000.
      v.range(field + ".priority", priority, 0, MAX_PRIORITY);
      provider.ifPresent(
          p -> result.add(new Model.Target(p.id(), p.name(), t.model(), weight, priority)));
    }
    return result;
  }

  private static void validatePricing(Validation v, ModelRequests.@Nullable Pricing pricing) {
    if (pricing == null) {
      return;
    }
    v.range("pricing.input_per_million", pricing.inputPerMillion(), BigDecimal.ZERO, MAX_PRICE);
    v.range("pricing.output_per_million", pricing.outputPerMillion(), BigDecimal.ZERO, MAX_PRICE);
    v.range(
        "pricing.cached_input_per_million",
        pricing.cachedInputPerMillion(),
        BigDecimal.ZERO,
        MAX_PRICE);
    for (BigDecimal value :
        java.util.Arrays.asList(
            pricing.inputPerMillion(),
            pricing.outputPerMillion(),
            pricing.cachedInputPerMillion())) {
      if (value != null && value.stripTrailingZeros().scale() > 10) {
        v.add("pricing", "prices have at most 10 decimal places");
        return;
      }
    }
  }
}
