package dev.aigateway.dataplane.quota;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigChangeListener;
import dev.aigateway.db.usage.QuotaMetric;
import dev.aigateway.db.usage.QuotaWindow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the quotas and model prices in memory and reloads them when the config revision moves
 * (coalesced; a failed reload keeps the last good copy), so admission never reads the database.
 */
public final class QuotaConfigStore implements Supplier<QuotaConfig>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuotaConfigStore.class);

  private final Database database;
  private final ExecutorService reloader =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("quota-config-reload").daemon().factory());
  private final AtomicBoolean reloadQueued = new AtomicBoolean();
  private volatile QuotaConfig current = QuotaConfig.EMPTY;
  private volatile boolean lastLoadFailed;
  private ConfigChangeListener listener;

  private QuotaConfigStore(Database database) {
    this.database = requireNonNull(database, "database");
  }

  /** Loads once and then follows config changes. */
  public static QuotaConfigStore start(Database database) {
    QuotaConfigStore store = new QuotaConfigStore(database);
    store.reload();
    store.listener =
        ConfigChangeListener.start(database::openDedicatedConnection, store::onRevision);
    return store;
  }

  @Override
  public QuotaConfig get() {
    return current;
  }

  /** Reloads now, on the caller's thread (tests, and callers that just changed quotas). */
  public void reload() {
    try {
      QuotaConfig next = load(database.dsl());
      if (next.revision() >= current.revision()) {
        current = next;
      }
      lastLoadFailed = false;
    } catch (RuntimeException e) {
      lastLoadFailed = true;
      log.warn(
          "could not load quotas ({}); still enforcing revision {}",
          e.getMessage(),
          current.revision());
    }
  }

  private void onRevision(long revision) {
    if (revision <= current.revision() && !lastLoadFailed) {
      return;
    }
    if (reloadQueued.compareAndSet(false, true)) {
      reloader.execute(
          () -> {
            reloadQueued.set(false);
            reload();
          });
    }
  }

  static QuotaConfig load(DSLContext dsl) {
    return dsl.transactionResult(
        tx -> {
          DSLContext t = tx.dsl();
          Record rev = t.fetchOne("select revision from config_revision where id = 1");
          long revision = rev == null ? 0 : rev.get(0, Long.class);
          List<QuotaRule> rules = new ArrayList<>();
          for (Record r :
              t.fetch(
                  "select id, scope, scope_id, model, metric, time_window, limit_value from quotas")) {
            try {
              QuotaMetric metric = QuotaMetric.of(r.get(4, String.class));
              rules.add(
                  new QuotaRule(
                      r.get(0, UUID.class),
                      QuotaRule.Scope.of(r.get(1, String.class)),
                      r.get(2, UUID.class),
                      r.get(3, String.class),
                      metric,
                      QuotaWindow.of(r.get(5, String.class)),
                      metric.toUnits(r.get(6, BigDecimal.class))));
            } catch (IllegalArgumentException | ArithmeticException e) {
              // The admin API validates quotas; a bad row must not disable every other quota.
              log.error("ignoring invalid quota {}: {}", r.get(0, UUID.class), e.getMessage());
            }
          }
          Map<String, Prices> prices = new HashMap<>();
          for (Record r :
              t.fetch(
                  "select name, input_per_million, output_per_million, cached_input_per_million"
                      + " from models")) {
            prices.put(
                r.get(0, String.class),
                new Prices(
                    r.get(1, BigDecimal.class),
                    r.get(2, BigDecimal.class),
                    r.get(3, BigDecimal.class)));
          }
          return new QuotaConfig(revision, rules, prices);
        });
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
    reloader.shutdownNow();
    try {
      reloader.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
