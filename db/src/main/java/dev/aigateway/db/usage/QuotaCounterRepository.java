package dev.aigateway.db.usage;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The fleet-wide quota counters. Replicas add their deltas and learn the totals in one round trip;
 * rows are keyed by window start, so a new window needs no reset.
 */
public final class QuotaCounterRepository {
  // Sums go through numeric and are pinned to bigint's range: one overflowing delta would otherwise
  // fail every later flush of the same counter ("bigint out of range").
  private static final String UPSERT =
      """
      insert into quota_counters (quota_id, window_start, used)
      select * from unnest(?::uuid[], ?::timestamptz[], ?::bigint[])
      on conflict (quota_id, window_start)
      do update set used = least(greatest(quota_counters.used::numeric + excluded.used,
          -9223372036854775808), 9223372036854775807)::bigint,
        version = quota_counters.version + 1, updated_at = now()
      returning quota_id, window_start, used, version
      """;

  private static final String CONDITIONAL_ADD =
      """
      insert into quota_counters as c (quota_id, window_start, used)
      select ?, ?, ? where ? <= ?
      on conflict (quota_id, window_start)
      do update set used = least(greatest(c.used::numeric + excluded.used,
          -9223372036854775808), 9223372036854775807)::bigint,
        version = c.version + 1, updated_at = now()
      where c.used::numeric + excluded.used <= ?
      returning used, version
      """;

  /** A counter's total and its row version (higher is newer). */
  public record Total(long used, long version) {}

  /** Totals after a flush, and how many replicas flushed recently (always at least 1). */
  public record FlushResult(Map<CounterKey, Total> totals, int liveReplicas) {
    public FlushResult {
      totals = Map.copyOf(totals);
    }
  }

  private final Database database;

  public QuotaCounterRepository(Database database) {
    this.database = requireNonNull(database, "database");
  }

  /**
   * Adds {@code deltas} (zero deltas just read the total) and records {@code replicaId}'s
   * heartbeat, in one transaction.
   *
   * @param liveWindow replicas whose last heartbeat is older than this are not counted
   */
  public FlushResult flush(String replicaId, Map<CounterKey, Long> deltas, Duration liveWindow)
      throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        Map<CounterKey, Total> totals = new HashMap<>();
        if (!deltas.isEmpty()) {
          UUID[] ids = new UUID[deltas.size()];
          Timestamp[] starts = new Timestamp[deltas.size()];
          Long[] values = new Long[deltas.size()];
          int i = 0;
          for (var e : deltas.entrySet()) {
            ids[i] = e.getKey().quotaId();
            starts[i] = Timestamp.from(e.getKey().windowStart());
            values[i] = e.getValue();
            i++;
          }
          try (PreparedStatement s = c.prepareStatement(UPSERT)) {
            Array a = c.createArrayOf("uuid", ids);
            Array b = c.createArrayOf("timestamptz", starts);
            Array v = c.createArrayOf("int8", values);
            s.setArray(1, a);
            s.setArray(2, b);
            s.setArray(3, v);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                totals.put(
                    new CounterKey(
                        rs.getObject("quota_id", UUID.class),
                        rs.getTimestamp("window_start").toInstant()),
                    new Total(rs.getLong("used"), rs.getLong("version")));
              }
            }
          }
        }
        int live;
        try (PreparedStatement s =
            c.prepareStatement(
                "insert into quota_replicas (replica_id, seen_at) values (?, now())"
                    + " on conflict (replica_id) do update set seen_at = now()")) {
          s.setString(1, replicaId);
          s.executeUpdate();
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "select count(*) as live from quota_replicas"
                    + " where seen_at > now() - make_interval(secs => ?)")) {
          s.setDouble(1, liveWindow.toMillis() / 1000.0);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            live = Math.max(1, rs.getInt("live"));
          }
        }
        c.commit();
        return new FlushResult(totals, live);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Adds {@code delta} only if the total stays within {@code limit}: the exact check used when a
   * quota is too close to its limit to admit on local knowledge.
   *
   * @return the new total, or null when adding would pass the limit
   */
  public @Nullable Total addIfWithin(CounterKey key, long delta, long limit) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(CONDITIONAL_ADD)) {
      s.setObject(1, key.quotaId());
      s.setTimestamp(2, Timestamp.from(key.windowStart()));
      s.setLong(3, delta);
      s.setLong(4, delta);
      s.setLong(5, limit);
      s.setLong(6, limit);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Total(rs.getLong("used"), rs.getLong("version")) : null;
      }
    }
  }

  /** The current total of one counter (0, version 0 when nothing was counted yet). */
  public Total total(CounterKey key) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select used, version from quota_counters where quota_id = ? and window_start = ?")) {
      s.setObject(1, key.quotaId());
      s.setTimestamp(2, Timestamp.from(key.windowStart()));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Total(rs.getLong("used"), rs.getLong("version")) : new Total(0, 0);
      }
    }
  }

  /** Forgets a replica (on clean shutdown) so the others' shares grow at once. */
  public void leave(String replicaId) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("delete from quota_replicas where replica_id = ?")) {
      s.setString(1, replicaId);
      s.executeUpdate();
    }
  }

  /**
   * Deletes counters of windows that started more than 32 days before {@code now}: the longest
   * window is a month, so all of them have ended.
   */
  public int deleteEndedBefore(java.time.Instant now) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("delete from quota_counters where window_start < ?")) {
      s.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(32))));
      return s.executeUpdate();
    }
  }
}
