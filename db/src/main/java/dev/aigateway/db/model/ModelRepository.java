package dev.aigateway.db.model;

import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;

import dev.aigateway.db.Page;
import dev.aigateway.db.Times;
import dev.aigateway.db.jooq.tables.records.ModelsRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** Models and their targets. Every method runs in the caller's context. */
public final class ModelRepository {
  private ModelRepository() {}

  public static Optional<Model> find(DSLContext dsl, UUID id) {
    return dsl.selectFrom(MODELS).where(MODELS.ID.eq(id)).fetchOptional().map(r -> model(dsl, r));
  }

  public static Optional<Model> findByName(DSLContext dsl, String name) {
    return dsl.selectFrom(MODELS)
        .where(MODELS.NAME.eq(name))
        .fetchOptional()
        .map(r -> model(dsl, r));
  }

  public static Optional<Model> lock(DSLContext tx, UUID id) {
    return tx.selectFrom(MODELS)
        .where(MODELS.ID.eq(id))
        .forUpdate()
        .fetchOptional()
        .map(r -> model(tx, r));
  }

  /** Models, newest first; {@code providerId} keeps those with a target on that provider. */
  public static Page<Model> list(
      DSLContext dsl,
      @Nullable UUID providerId,
      @Nullable String nameContains,
      int limit,
      int offset) {
    Condition where = DSL.trueCondition();
    if (providerId != null) {
      where =
          where.and(
              DSL.exists(
                  DSL.selectOne()
                      .from(MODEL_TARGETS)
                      .where(MODEL_TARGETS.MODEL_ID.eq(MODELS.ID))
                      .and(MODEL_TARGETS.PROVIDER_ID.eq(providerId))));
    }
    if (nameContains != null) {
      where = where.and(MODELS.NAME.containsIgnoreCase(nameContains));
    }
    long total = dsl.fetchCount(MODELS, where);
    List<Model> items = new ArrayList<>();
    for (ModelsRecord r :
        dsl.selectFrom(MODELS)
            .where(where)
            .orderBy(MODELS.CREATED_AT.desc(), MODELS.ID)
            .limit(limit)
            .offset(offset)
            .fetch()) {
      items.add(model(dsl, r));
    }
    return new Page<>(items, total);
  }

  /** Inserts a model or, when it exists, overwrites it and advances its version. */
  public static void save(
      DSLContext tx,
      UUID id,
      boolean exists,
      String name,
      List<Model.Target> targets,
      @Nullable BigDecimal inputPerMillion,
      @Nullable BigDecimal outputPerMillion,
      @Nullable BigDecimal cachedInputPerMillion,
      Failover failover) {
    if (exists) {
      tx.update(MODELS)
          .set(MODELS.NAME, name)
          .set(MODELS.INPUT_PER_MILLION, inputPerMillion)
          .set(MODELS.OUTPUT_PER_MILLION, outputPerMillion)
          .set(MODELS.CACHED_INPUT_PER_MILLION, cachedInputPerMillion)
          .set(MODELS.FAILOVER_RETRY_ON, failover.retryOn().toArray(String[]::new))
          .set(MODELS.FAILOVER_ATTEMPTS, failover.attempts())
          .set(MODELS.FAILOVER_PER_ATTEMPT_TIMEOUT_MS, failover.perAttemptTimeoutMs())
          .set(MODELS.FAILOVER_BACKOFF_BASE_MS, failover.backoffBaseMs())
          .set(MODELS.FAILOVER_BACKOFF_MAX_MS, failover.backoffMaxMs())
          .set(MODELS.VERSION, MODELS.VERSION.plus(1))
          .set(MODELS.UPDATED_AT, Times.now())
          .where(MODELS.ID.eq(id))
          .execute();
      tx.deleteFrom(MODEL_TARGETS).where(MODEL_TARGETS.MODEL_ID.eq(id)).execute();
    } else {
      tx.insertInto(MODELS)
          .set(MODELS.ID, id)
          .set(MODELS.NAME, name)
          .set(MODELS.INPUT_PER_MILLION, inputPerMillion)
          .set(MODELS.OUTPUT_PER_MILLION, outputPerMillion)
          .set(MODELS.CACHED_INPUT_PER_MILLION, cachedInputPerMillion)
          .set(MODELS.FAILOVER_RETRY_ON, failover.retryOn().toArray(String[]::new))
          .set(MODELS.FAILOVER_ATTEMPTS, failover.attempts())
          .set(MODELS.FAILOVER_PER_ATTEMPT_TIMEOUT_MS, failover.perAttemptTimeoutMs())
          .set(MODELS.FAILOVER_BACKOFF_BASE_MS, failover.backoffBaseMs())
          .set(MODELS.FAILOVER_BACKOFF_MAX_MS, failover.backoffMaxMs())
          .execute();
    }
    int position = 0;
    for (Model.Target target : targets) {
      tx.insertInto(MODEL_TARGETS)
          .set(MODEL_TARGETS.ID, UUID.randomUUID())
          .set(MODEL_TARGETS.MODEL_ID, id)
          .set(MODEL_TARGETS.PROVIDER_ID, target.providerId())
          .set(MODEL_TARGETS.UPSTREAM_MODEL, target.upstreamModel())
          .set(MODEL_TARGETS.WEIGHT, target.weight())
          .set(MODEL_TARGETS.PRIORITY, target.priority())
          .set(MODEL_TARGETS.POSITION, position++)
          .execute();
    }
  }

  public static void delete(DSLContext tx, UUID id) {
    tx.deleteFrom(MODELS).where(MODELS.ID.eq(id)).execute();
  }

  private static Model model(DSLContext dsl, ModelsRecord r) {
    List<Model.Target> targets =
        dsl.select(
                MODEL_TARGETS.PROVIDER_ID,
                PROVIDERS.NAME,
                MODEL_TARGETS.UPSTREAM_MODEL,
                MODEL_TARGETS.WEIGHT,
                MODEL_TARGETS.PRIORITY)
            .from(MODEL_TARGETS)
            .join(PROVIDERS)
            .on(PROVIDERS.ID.eq(MODEL_TARGETS.PROVIDER_ID))
            .where(MODEL_TARGETS.MODEL_ID.eq(r.getId()))
            .orderBy(MODEL_TARGETS.POSITION)
            .fetch(
                t -> new Model.Target(t.value1(), t.value2(), t.value3(), t.value4(), t.value5()));
    return new Model(
        r.getId(),
        r.getName(),
        targets,
        strip(r.getInputPerMillion()),
        strip(r.getOutputPerMillion()),
        strip(r.getCachedInputPerMillion()),
        failover(r),
        r.getVersion(),
        Times.instant(r.getCreatedAt()),
        Times.instant(r.getUpdatedAt()));
  }

  /** The model's stored failover settings. */
  public static Failover failover(ModelsRecord r) {
    return new Failover(
        List.of(r.getFailoverRetryOn()),
        r.getFailoverAttempts(),
        r.getFailoverPerAttemptTimeoutMs(),
        r.getFailoverBackoffBaseMs(),
        r.getFailoverBackoffMaxMs());
  }

  private static @Nullable BigDecimal strip(@Nullable BigDecimal value) {
    return value == null ? null : value.stripTrailingZeros();
  }
}
