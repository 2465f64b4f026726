package dev.aigateway.db.audit;

import static dev.aigateway.db.jooq.Tables.AUDIT_LOG;

import dev.aigateway.db.Jsonb;
import dev.aigateway.db.Page;
import dev.aigateway.db.Times;
import java.time.Instant;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** The audit log. Entries are written in the transaction of the change they describe. */
public final class AuditRepository {
  private AuditRepository() {}

  /** Filters of {@link #list}; null means no filter. */
  public record Filter(
      @Nullable String resourceType,
      @Nullable String resourceId,
      @Nullable String actor,
      @Nullable String action,
      @Nullable Instant from,
      @Nullable Instant to) {}

  /** Appends an entry; {@code before} and {@code after} must already be free of secrets. */
  public static void append(
      DSLContext tx,
      String actor,
      String action,
      String resourceType,
      @Nullable String resourceId,
      @Nullable Object before,
      @Nullable Object after) {
    tx.insertInto(AUDIT_LOG)
        .set(AUDIT_LOG.ACTOR, actor)
        .set(AUDIT_LOG.ACTION, action)
        .set(AUDIT_LOG.RESOURCE_TYPE, resourceType)
        .set(AUDIT_LOG.RESOURCE_ID, resourceId)
        .set(AUDIT_LOG.BEFORE, Jsonb.ofNullable(before))
        .set(AUDIT_LOG.AFTER, Jsonb.ofNullable(after))
        .execute();
  }

  /** Entries, newest first. */
  public static Page<AuditEntry> list(DSLContext dsl, Filter f, int limit, int offset) {
    Condition where = DSL.trueCondition();
    if (f.resourceType() != null) {
      where = where.and(AUDIT_LOG.RESOURCE_TYPE.eq(f.resourceType()));
    }
    if (f.resourceId() != null) {
      where = where.and(AUDIT_LOG.RESOURCE_ID.eq(f.resourceId()));
    }
    if (f.actor() != null) {
      where = where.and(AUDIT_LOG.ACTOR.eq(f.actor()));
    }
    if (f.action() != null) {
      where = where.and(AUDIT_LOG.ACTION.eq(f.action()));
    }
    if (f.from() != null) {
      where = where.and(AUDIT_LOG.AT.ge(Times.utc(f.from())));
    }
    if (f.to() != null) {
      where = where.and(AUDIT_LOG.AT.lt(Times.utc(f.to())));
    }
    long total = dsl.fetchCount(AUDIT_LOG, where);
    List<AuditEntry> items =
        dsl.selectFrom(AUDIT_LOG)
            .where(where)
            .orderBy(AUDIT_LOG.ID.desc())
            .limit(limit)
            .offset(offset)
            .fetch(
                r ->
                    new AuditEntry(
                        r.getId(),
                        Times.instant(r.getAt()),
                        r.getActor(),
                        r.getAction(),
                        r.getResourceType(),
                        r.getResourceId(),
                        Jsonb.tree(r.getBefore()),
                        Jsonb.tree(r.getAfter())));
    return new Page<>(items, total);
  }
}
