package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigChangeListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link ConfigSnapshot} and replaces it whenever the config revision moves.
 * Notifications are coalesced (one reload runs at a time, and a burst triggers at most one more); a
 * failed reload keeps serving the last good snapshot.
 */
public final class ConfigStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

  private final Database database;
  private final ConfigLoader loader;
  private final ExecutorService reloader =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("ext-proc-config-reload").daemon().factory());
  private final AtomicBoolean reloadQueued = new AtomicBoolean();
  private final AtomicLong wantedRevision = new AtomicLong();
  private volatile ConfigSnapshot current = ConfigSnapshot.empty();
  private volatile boolean lastLoadFailed;
  private ConfigChangeListener listener;

  private ConfigStore(Database database, ConfigLoader loader) {
    this.database = requireNonNull(database, "database");
    this.loader = requireNonNull(loader, "loader");
  }

  /**
   * Loads once (a database that is down only delays the first snapshot) and then follows changes.
   */
  public static ConfigStore start(Database database, ConfigLoader loader) {
    ConfigStore store = new ConfigStore(database, loader);
    store.reload();
    store.listener =
        ConfigChangeListener.start(database::openDedicatedConnection, store::onRevision);
    return store;
  }

  /** The latest good snapshot. */
  public ConfigSnapshot current() {
    return current;
  }

  private void onRevision(long revision) {
    wantedRevision.accumulateAndGet(revision, Math::max);
    // The periodic safety check re-delivers the same revision; reload then only if the last load
    // failed, so a database that came back is picked up.
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

  private void reload() {
    try {
      ConfigSnapshot next = loader.load(database.dsl());
      if (next.revision() >= current.revision()) {
        current = next;
      }
      lastLoadFailed = false;
      log.debug("loaded config revision {}", next.revision());
    } catch (RuntimeException e) {
      lastLoadFailed = true;
      log.warn(
          "could not load the configuration ({}); still serving revision {}",
          e.getMessage(),
          current.revision());
    }
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
