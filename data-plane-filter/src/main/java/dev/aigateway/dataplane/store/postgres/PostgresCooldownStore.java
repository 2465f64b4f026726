package dev.aigateway.dataplane.store.postgres;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.cooldown.CooldownNotice;
import dev.aigateway.dataplane.cooldown.CooldownStore;
import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.db.Database;
import dev.aigateway.db.cooldown.TargetCooldown;
import dev.aigateway.db.cooldown.TargetCooldownRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Stores target cooldowns in {@code target_cooldowns}, where the control plane reads them (a
 * trigger wakes it), and deletes those that ended a while ago.
 */
public final class PostgresCooldownStore implements CooldownStore {
  /** Ended cooldowns are kept this long (for whoever looks at the table), then deleted. */
  static final Duration KEEP_ENDED = Duration.ofHours(1);

  private final Database database;
  private final Clock clock;

  public PostgresCooldownStore(Database database) {
    this(database, Clock.systemUTC());
  }

  PostgresCooldownStore(Database database, Clock clock) {
    this.database = requireNonNull(database, "database");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public int store(List<CooldownNotice> notices) throws StoreException {
    List<TargetCooldown> rows = new ArrayList<>(notices.size());
    for (CooldownNotice n : notices) {
      UUID target = targetId(n.target());
      if (target != null && (n.status() == 429 || n.status() == 503 || n.status() == 529)) {
        rows.add(new TargetCooldown(target, n.until(), n.status()));
      }
    }
    if (rows.isEmpty()) {
      return 0;
    }
    try {
      int stored = TargetCooldownRepository.publish(database.dsl(), rows);
      TargetCooldownRepository.deleteEndedBefore(database.dsl(), clock.instant().minus(KEEP_ENDED));
      return stored;
    } catch (RuntimeException e) {
      throw Failures.of(e);
    }
  }

  /** Targets of stored models have UUIDs; anything else in endpoint metadata is not stored. */
  private static UUID targetId(String target) {
    try {
      return UUID.fromString(target);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
