package dev.aigateway.dataplane.usage;

import static dev.aigateway.db.jooq.Tables.TEAMS;
import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Team names by id, for metric labels. A lookup never touches the database: when the config
 * revision has moved since the last load, it starts a reload on {@code executor} and answers from
 * what it has (a team created a moment ago is {@code null}, i.e. {@code unknown}, until then).
 */
public final class TeamNames implements Function<UUID, @Nullable String> {
  private static final Logger log = LoggerFactory.getLogger(TeamNames.class);

  private final Database database;
  private final LongSupplier revision;
  private final Executor executor;
  private final AtomicBoolean reloading = new AtomicBoolean();
  private volatile Map<UUID, String> names = Map.of();
  private volatile long loadedAt = -1;

  /**
   * @param revision the config revision the data plane has loaded (reloads follow it)
   * @param executor where reloads run (never the request's thread)
   */
  public TeamNames(Database database, LongSupplier revision, Executor executor) {
    this.database = requireNonNull(database, "database");
    this.revision = requireNonNull(revision, "revision");
    this.executor = requireNonNull(executor, "executor");
  }

  @Override
  public @Nullable String apply(UUID teamId) {
    if (revision.getAsLong() != loadedAt && reloading.compareAndSet(false, true)) {
      executor.execute(this::reload);
    }
    return names.get(teamId);
  }

  /** Loads now, on the caller's thread. */
  public void reload() {
    long at = revision.getAsLong();
    try {
      Map<UUID, String> next = new HashMap<>();
      for (var t : database.dsl().select(TEAMS.ID, TEAMS.NAME).from(TEAMS).fetch()) {
        next.put(t.value1(), t.value2());
      }
      names = Map.copyOf(next);
      loadedAt = at;
    } catch (RuntimeException e) {
      // Labels fall back to "unknown"; the next lookup after a revision change tries again.
      log.warn("could not load team names for metrics: {}", e.getMessage());
    } finally {
      reloading.set(false);
    }
  }
}
