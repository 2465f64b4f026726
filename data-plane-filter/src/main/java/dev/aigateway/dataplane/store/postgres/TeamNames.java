package dev.aigateway.dataplane.store.postgres;

import static dev.aigateway.db.jooq.Tables.TEAMS;
import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.usage.SpendMetrics;
import dev.aigateway.db.Database;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Team names by id, for metric labels, without touching the database on the caller's thread. A team
 * the loaded names lack while the config revision has moved (a team created a moment ago) is
 * answered after a reload on {@code executor}; only a team that is gone is {@code null}.
 */
public final class TeamNames implements SpendMetrics.TeamLookup {
  private static final Logger log = LoggerFactory.getLogger(TeamNames.class);

  /** Answers waiting for a reload at most; past it they get {@code null} at once. */
  static final int MAX_WAITING = 10_000;

  private final Database database;
  private final LongSupplier revision;
  private final Executor executor;
  private final Object lock = new Object();
  private List<Runnable> waiting = new ArrayList<>();
  private boolean reloading;
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
  public void resolve(UUID teamId, Consumer<@Nullable String> then) {
    String name = names.get(teamId);
    if (name != null || revision.getAsLong() == loadedAt) {
      then.accept(name);
      return;
    }
    boolean start;
    synchronized (lock) {
      if (waiting.size() >= MAX_WAITING) {
        start = false;
      } else {
        waiting.add(() -> then.accept(names.get(teamId)));
        start = !reloading;
        reloading = true;
        if (!start) {
          return;
        }
      }
    }
    if (!start) {
      then.accept(null);
      return;
    }
    try {
      executor.execute(this::reloadAndAnswer);
    } catch (RejectedExecutionException busyOrStopping) {
      answerWaiting(); // with what is loaded: a label is not worth queueing behind real work
    }
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
      // Labels fall back to "unknown" for now; the next miss tries again.
      log.warn("could not load team names for metrics: {}", e.getMessage());
    }
  }

  private void reloadAndAnswer() {
    try {
      reload();
    } finally {
      answerWaiting();
    }
  }

  private void answerWaiting() {
    List<Runnable> answer;
    synchronized (lock) {
      answer = waiting;
      waiting = new ArrayList<>();
      reloading = false;
    }
    answer.forEach(Runnable::run);
  }
}
