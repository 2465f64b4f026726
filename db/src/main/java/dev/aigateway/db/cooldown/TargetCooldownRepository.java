package dev.aigateway.db.cooldown;

import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.TARGET_COOLDOWNS;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * {@code target_cooldowns}: targets whose provider asked, with {@code retry-after}, to be left
 * alone for a while. Written by the data plane, read by the control plane; a change wakes the
 * control planes on {@link #CHANNEL} (a trigger sends it at commit).
 */
public final class TargetCooldownRepository {

  /** The {@code LISTEN}/{@code NOTIFY} channel a stored cooldown is announced on (no payload). */
  public static final String CHANNEL = "target_cooldowns_changed";

  private TargetCooldownRepository() {}

  /**
   * Stores each cooldown, or lengthens the stored one; a cooldown that ends no later than the
   * stored one changes nothing (and wakes nobody). A target deleted meanwhile is skipped.
   *
   * @return how many rows were written
   */
  public static int publish(DSLContext dsl, List<TargetCooldown> cooldowns) {
    return dsl.transactionResult(
        configuration -> {
          DSLContext tx = DSL.using(configuration);
          int written = 0;
          for (TargetCooldown c : cooldowns) {
            OffsetDateTime endsAt = OffsetDateTime.ofInstant(c.endsAt(), ZoneOffset.UTC);
            written +=
                tx.insertInto(
                        TARGET_COOLDOWNS,
                        TARGET_COOLDOWNS.TARGET_ID,
                        TARGET_COOLDOWNS.ENDS_AT,
                        TARGET_COOLDOWNS.STATUS)
                    .select(
                        tx.select(DSL.val(c.targetId()), DSL.val(endsAt), DSL.val(c.status()))
                            .whereExists(
                                tx.selectOne()
                                    .from(MODEL_TARGETS)
                                    .where(MODEL_TARGETS.ID.eq(c.targetId()))))
                    .onConflict(TARGET_COOLDOWNS.TARGET_ID)
                    .doUpdate()
                    .set(TARGET_COOLDOWNS.ENDS_AT, endsAt)
                    .set(TARGET_COOLDOWNS.STATUS, c.status())
                    .set(TARGET_COOLDOWNS.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TARGET_COOLDOWNS.ENDS_AT.lt(endsAt))
                    .execute();
          }
          return written;
        });
  }

  /** Cooldowns still running by the database's clock, soonest end first. */
  public static List<TargetCooldown> active(DSLContext dsl) {
    return dsl.select(TARGET_COOLDOWNS.TARGET_ID, TARGET_COOLDOWNS.ENDS_AT, TARGET_COOLDOWNS.STATUS)
        .from(TARGET_COOLDOWNS)
        .where(TARGET_COOLDOWNS.ENDS_AT.gt(DSL.currentOffsetDateTime()))
        .orderBy(TARGET_COOLDOWNS.ENDS_AT, TARGET_COOLDOWNS.TARGET_ID)
        .fetch(r -> new TargetCooldown(r.value1(), r.value2().toInstant(), r.value3()));
  }

  /** Deletes cooldowns that ended before {@code cutoff}; returns how many. */
  public static int deleteEndedBefore(DSLContext dsl, Instant cutoff) {
    return dsl.deleteFrom(TARGET_COOLDOWNS)
        .where(TARGET_COOLDOWNS.ENDS_AT.lt(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC)))
        .execute();
  }
}
