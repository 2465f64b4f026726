package dev.aigateway.db.change;

import static dev.aigateway.db.jooq.Tables.CONFIG_REVISION;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The single, monotonically increasing revision of all operator-managed configuration.
 *
 * <p>Every transaction that changes configuration calls {@link #bump} once; PostgreSQL delivers the
 * queued {@code NOTIFY} at commit, so listeners never see a revision whose data is not visible yet.
 * The row lock taken by the update also orders concurrent writers.
 */
public final class ConfigRevisions {

  /** The {@code LISTEN}/{@code NOTIFY} channel; the payload is the new revision in decimal. */
  public static final String CHANNEL = "config_changed";

  private ConfigRevisions() {}

  /** Advances the revision inside the caller's transaction and returns the new value. */
  public static long bump(DSLContext transaction) {
    Long revision =
        transaction
            .update(CONFIG_REVISION)
            .set(CONFIG_REVISION.REVISION, CONFIG_REVISION.REVISION.plus(1))
            .set(CONFIG_REVISION.CHANGED_AT, DSL.currentOffsetDateTime())
            .where(CONFIG_REVISION.ID.eq((short) 1))
            .returningResult(CONFIG_REVISION.REVISION)
            .fetchOne(CONFIG_REVISION.REVISION);
    if (revision == null) {
      throw new IllegalStateException("config_revision row is missing");
    }
    transaction.execute("select pg_notify(?, ?)", CHANNEL, Long.toString(revision));
    return revision;
  }

  /** The latest committed revision. */
  public static long current(DSLContext dsl) {
    Long revision =
        dsl.select(CONFIG_REVISION.REVISION)
            .from(CONFIG_REVISION)
            .where(CONFIG_REVISION.ID.eq((short) 1))
            .fetchOne(CONFIG_REVISION.REVISION);
    if (revision == null) {
      throw new IllegalStateException("config_revision row is missing");
    }
    return revision;
  }
}
