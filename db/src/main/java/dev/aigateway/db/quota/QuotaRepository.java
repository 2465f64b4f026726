package dev.aigateway.db.quota;

import static dev.aigateway.db.jooq.Tables.QUOTAS;

import dev.aigateway.db.Page;
import dev.aigateway.db.Ref;
import dev.aigateway.db.Times;
import dev.aigateway.db.jooq.tables.records.QuotasRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** Quotas. Every method runs in the caller's context. */
public final class QuotaRepository {
  private QuotaRepository() {}

  public static Optional<Quota> find(DSLContext dsl, UUID id) {
    return dsl.selectFrom(QUOTAS).where(QUOTAS.ID.eq(id)).fetchOptional(QuotaRepository::quota);
  }

  public static Optional<Quota> lock(DSLContext tx, UUID id) {
    return tx.selectFrom(QUOTAS)
        .where(QUOTAS.ID.eq(id))
        .forUpdate()
        .fetchOptional(QuotaRepository::quota);
  }

  public static Page<Quota> list(
      DSLContext dsl,
      @Nullable String scope,
      @Nullable UUID scopeId,
      @Nullable String model,
      int limit,
      int offset) {
    Condition where = DSL.trueCondition();
    if (scope != null) {
      where = where.and(QUOTAS.SCOPE.eq(scope));
    }
    if (scopeId != null) {
      where = where.and(QUOTAS.SCOPE_ID.eq(scopeId));
    }
    if (model != null) {
      where = where.and(QUOTAS.MODEL.eq(model));
    }
    long total = dsl.fetchCount(QUOTAS, where);
    List<Quota> items =
        dsl.selectFrom(QUOTAS)
            .where(where)
            .orderBy(QUOTAS.CREATED_AT.desc(), QUOTAS.ID)
            .limit(limit)
            .offset(offset)
            .fetch(QuotaRepository::quota);
    return new Page<>(items, total);
  }

  /** Inserts a quota or, when it exists, overwrites it and advances its version. */
  public static void save(DSLContext tx, Quota q, boolean exists) {
    if (exists) {
      tx.update(QUOTAS)
          .set(QUOTAS.SCOPE, q.scope())
          .set(QUOTAS.SCOPE_ID, q.scopeId())
          .set(QUOTAS.MODEL, q.model())
          .set(QUOTAS.METRIC, q.metric())
          .set(QUOTAS.TIME_WINDOW, q.window())
          .set(QUOTAS.LIMIT_VALUE, q.limit())
          .set(QUOTAS.VERSION, QUOTAS.VERSION.plus(1))
          .set(QUOTAS.UPDATED_AT, Times.now())
          .where(QUOTAS.ID.eq(q.id()))
          .execute();
    } else {
      tx.insertInto(QUOTAS)
          .set(QUOTAS.ID, q.id())
          .set(QUOTAS.SCOPE, q.scope())
          .set(QUOTAS.SCOPE_ID, q.scopeId())
          .set(QUOTAS.MODEL, q.model())
          .set(QUOTAS.METRIC, q.metric())
          .set(QUOTAS.TIME_WINDOW, q.window())
          .set(QUOTAS.LIMIT_VALUE, q.limit())
          .execute();
    }
  }

  public static void delete(DSLContext tx, UUID id) {
    tx.deleteFrom(QUOTAS).where(QUOTAS.ID.eq(id)).execute();
  }

  /** Quotas whose scope is the given key or team. */
  public static List<Ref> scopedTo(DSLContext dsl, String scope, UUID scopeId) {
    return dsl.selectFrom(QUOTAS)
        .where(QUOTAS.SCOPE.eq(scope).and(QUOTAS.SCOPE_ID.eq(scopeId)))
        .fetch(r -> new Ref("quota", r.getId(), r.getMetric() + " per " + r.getTimeWindow()));
  }

  /** Quotas limited to the given model name. */
  public static List<Ref> forModel(DSLContext dsl, String model) {
    return dsl.selectFrom(QUOTAS)
        .where(QUOTAS.MODEL.eq(model))
        .fetch(r -> new Ref("quota", r.getId(), r.getMetric() + " per " + r.getTimeWindow()));
  }

  private static Quota quota(QuotasRecord r) {
    BigDecimal limit = r.getLimitValue().stripTrailingZeros();
    if (limit.scale() < 0) {
      limit = limit.setScale(0);
    }
    return new Quota(
        r.getId(),
        r.getScope(),
        r.getScopeId(),
        r.getModel(),
        r.getMetric(),
        r.getTimeWindow(),
        limit,
        r.getVersion(),
        Times.instant(r.getCreatedAt()),
        Times.instant(r.getUpdatedAt()));
  }
}
