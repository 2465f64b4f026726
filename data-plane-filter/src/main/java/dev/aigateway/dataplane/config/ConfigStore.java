package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.StoreException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link ConfigSnapshot} and replaces it whenever the config revision moves.
 * Notifications are coalesced (one reload runs at a time, and a burst triggers at most one more); a
 * failed reload keeps serving the last good snapshot. Every snapshot loaded from the feed is also
 * saved as the {@link LastGoodConfig}, and when the feed cannot answer at start that copy is served
 * until it can.
 */
public final class ConfigStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

  private final ConfigFeed feed;
  private final LastGoodConfig lastGood;
  private final ExecutorService reloader =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("ext-proc-config-reload").daemon().factory());
  private final AtomicBoolean reloadQueued = new AtomicBoolean();
  private volatile ConfigSnapshot current = ConfigSnapshot.empty();
  private volatile boolean lastLoadFailed;

  /** True while {@link #current} came from the last good copy, not from the feed. */
  private volatile boolean fromLastGood;

  private @Nullable AutoCloseable watch;

  private ConfigStore(ConfigFeed feed, LastGoodConfig lastGood) {
    this.feed = requireNonNull(feed, "feed");
    this.lastGood = requireNonNull(lastGood, "lastGood");
  }

  /** Loads once (a store that is down only delays the first snapshot) and then follows changes. */
  public static ConfigStore start(ConfigFeed feed) {
    return start(feed, LastGoodConfig.NONE);
  }

  /**
   * Loads once; when the feed cannot answer, starts from {@code lastGood} if it holds a trusted
   * copy. Then follows changes, and the first successful load replaces the copy.
   */
  public static ConfigStore start(ConfigFeed feed, LastGoodConfig lastGood) {
    ConfigStore store = new ConfigStore(feed, lastGood);
    store.reload();
    if (store.lastLoadFailed) {
      lastGood
          .read()
          .ifPresentOrElse(
              snapshot -> {
                store.current = snapshot;
                store.fromLastGood = true;
                log.warn(
                    "configuration store unreachable at start: serving the last good configuration"
                        + " (revision {}) until it answers",
                    snapshot.revision());
              },
              () ->
                  log.warn(
                      "configuration store unreachable at start and no usable last good"
                          + " configuration: refusing requests until it answers"));
    }
    store.watch = feed.watch(store::onRevision);
    return store;
  }

  /** The latest good snapshot. */
  public ConfigSnapshot current() {
    return current;
  }

  /** True while serving the copy kept on disk because the store has not answered yet. */
  public boolean servingLastGood() {
    return fromLastGood;
  }

  private void onRevision(long revision) {
    // The periodic safety check re-delivers the same revision; reload then only if the last load
    // failed, so a store that came back is picked up.
    if (revision <= current.revision() && !lastLoadFailed && !fromLastGood) {
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
    ConfigSnapshot next;
    try {
      next = feed.load();
    } catch (StoreException | RuntimeException e) {
      lastLoadFailed = true;
      log.warn(
          "could not load the configuration ({}); still serving revision {}",
          e.getMessage(),
          current.revision());
      return;
    }
    lastLoadFailed = false;
    // A copy from disk is always replaced by the store's answer, even an older revision (a
    // database restored from a backup is the truth).
    if (fromLastGood || next.revision() > current.revision() || current.revision() == 0) {
      boolean wasLastGood = fromLastGood;
      current = next;
      fromLastGood = false;
      lastGood.save(next);
      if (wasLastGood) {
        log.info("configuration store answers again: serving revision {}", next.revision());
      }
    }
    log.debug("loaded config revision {}", next.revision());
  }

  @Override
  public void close() {
    if (watch != null) {
      try {
        watch.close();
      } catch (Exception e) {
        log.debug("stopping the config watch failed: {}", e.toString());
      }
    }
    reloader.shutdownNow();
    try {
      reloader.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
