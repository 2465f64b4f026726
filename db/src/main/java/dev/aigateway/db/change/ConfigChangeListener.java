package dev.aigateway.db.change;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back with the config revision whenever it may have changed: on each {@code NOTIFY}, after
 * every (re)connection (changes may have been missed while disconnected), and on a slow periodic
 * check as a safety net. Callbacks run on the listener's own thread, one at a time; consumers that
 * rebuild expensive state coalesce on their own.
 */
public final class ConfigChangeListener implements AutoCloseable {

  /** Opens a connection that is not part of a pool (LISTEN is per connection). */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  private static final Logger log = LoggerFactory.getLogger(ConfigChangeListener.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration SAFETY_CHECK = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final ConnectionFactory connections;
  private final LongConsumer onRevision;
  private final @Nullable String otherChannel;
  private final Runnable onOther;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile @Nullable Connection connection;

  private ConfigChangeListener(
      ConnectionFactory connections,
      LongConsumer onRevision,
      @Nullable String otherChannel,
      Runnable onOther) {
    this.connections = requireNonNull(connections, "connections");
    this.onRevision = requireNonNull(onRevision, "onRevision");
    this.otherChannel = otherChannel;
    this.onOther = requireNonNull(onOther, "onOther");
    this.thread = Thread.ofPlatform().name("config-change-listener").daemon().unstarted(this::run);
  }

  /** Starts listening; {@code onRevision} is called soon after with the current revision. */
  public static ConfigChangeListener start(ConnectionFactory connections, LongConsumer onRevision) {
    ConfigChangeListener listener =
        new ConfigChangeListener(connections, onRevision, null, () -> {});
    listener.thread.start();
    return listener;
  }

  /**
   * As above, and calls {@code onOther} on each {@code NOTIFY} on {@code otherChannel} (whatever
   * its payload; several at once call it once) and after every (re)connection.
   */
  public static ConfigChangeListener start(
      ConnectionFactory connections,
      LongConsumer onRevision,
      String otherChannel,
      Runnable onOther) {
    requireNonNull(otherChannel, "otherChannel");
    if (!otherChannel.matches("[a-z_]+")) {
      throw new IllegalArgumentException(
          "otherChannel: " + otherChannel + " (expected: lower-case letters and _)");
    }
    ConfigChangeListener listener =
        new ConfigChangeListener(connections, onRevision, otherChannel, onOther);
    listener.thread.start();
    return listener;
  }

  private void run() {
    int failuresInARow = 0;
    while (running) {
      try (Connection c = connections.open()) {
        connection = c;
        if (failuresInARow > 0) {
          log.info("config change listener reconnected to the database");
          failuresInARow = 0;
        }
        try (Statement statement = c.createStatement()) {
          statement.execute("LISTEN " + ConfigRevisions.CHANNEL);
          if (otherChannel != null) {
            statement.execute("LISTEN " + otherChannel);
          }
        }
        deliver(currentRevision(c));
        if (otherChannel != null) {
          deliverOther();
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (running) {
          PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
          long latest = -1;
          boolean other = false;
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              if (notification.getName().equals(otherChannel)) {
                other = true;
              } else {
                latest = Math.max(latest, parse(notification.getParameter()));
              }
            }
          }
          if (other) {
            deliverOther();
          }
          if (latest < 0 && System.nanoTime() - lastCheck > SAFETY_CHECK.toNanos()) {
            latest = currentRevision(c);
          }
          if (latest >= 0) {
            lastCheck = System.nanoTime();
            deliver(latest);
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (running) {
          // One line per outage: a database down for a minute would otherwise log 60 of them.
          if (failuresInARow++ == 0) {
            log.warn(
                "config change listener lost its database connection ({}); retrying every {} ms",
                e.getMessage(),
                RETRY.toMillis());
          }
          sleep(RETRY);
        }
      } finally {
        connection = null;
      }
    }
  }

  private void deliver(long revision) {
    try {
      onRevision.accept(revision);
    } catch (RuntimeException e) {
      log.error("config change callback failed for revision {}", revision, e);
    }
  }

  private void deliverOther() {
    try {
      onOther.run();
    } catch (RuntimeException e) {
      log.error("change callback for {} failed", otherChannel, e);
    }
  }

  private static long currentRevision(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rs =
            statement.executeQuery("select revision from config_revision where id = 1")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static long parse(String payload) {
    try {
      return Long.parseLong(payload.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing is best effort; the thread exits on its next poll
      }
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
