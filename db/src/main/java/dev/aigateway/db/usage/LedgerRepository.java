package dev.aigateway.db.usage;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the usage ledger and its hourly rollups. Inserting is idempotent (request id, attempt and
 * time), and the rollups only add the rows that were actually inserted, in the same statement, so
 * replaying a spooled batch never counts twice.
 */
public final class LedgerRepository {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final String PARTITION_PREFIX = "usage_ledger_p";

  private static final String INSERT =
      """
      with ins as (
        insert into usage_ledger (time, request_id, key_id, team_id, model, provider, upstream_model,
            input_tokens, output_tokens, cached_tokens, cost_usd, status, latency_ms, streamed,
            client_request_id, input_api, attempt, target)
        select * from unnest(?::timestamptz[], ?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[],
            ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[], ?::int[], ?::bigint[],
            ?::boolean[], ?::text[], ?::text[], ?::int[], ?::text[])
        on conflict (request_id, attempt, time) do nothing
        returning *
      ), rolled as (
      insert into usage_rollup_hourly as r (hour, key_id, team_id, model, provider, requests, errors,
          input_tokens, output_tokens, cached_tokens, cost_usd)
      select date_trunc('hour', time, 'UTC'), key_id, team_id, model, provider, count(*),
          count(*) filter (where status < 200 or status >= 400), sum(input_tokens),
          sum(output_tokens), sum(cached_tokens), sum(cost_usd)
      from ins group by 1, 2, 3, 4, 5
      on conflict (hour, key_id, team_id, model, provider) do update set
        requests = r.requests + excluded.requests, errors = r.errors + excluded.errors,
        input_tokens = r.input_tokens + excluded.input_tokens,
        output_tokens = r.output_tokens + excluded.output_tokens,
        cached_tokens = r.cached_tokens + excluded.cached_tokens,
        cost_usd = r.cost_usd + excluded.cost_usd
      )
      select count(*) as inserted from ins
      """;

  private final Database database;
  private final Set<LocalDate> knownPartitions = ConcurrentHashMap.newKeySet();

  public LedgerRepository(Database database) {
    this.database = requireNonNull(database, "database");
  }

  /**
   * Inserts {@code entries} and updates the rollups in one transaction; entries already in the
   * ledger are skipped.
   *
   * @return how many rows were new
   */
  public int insert(List<LedgerEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return 0;
    }
    Set<LocalDate> days = new TreeSet<>();
    for (LedgerEntry e : entries) {
      days.add(LocalDate.ofInstant(e.time(), ZoneOffset.UTC));
    }
    for (LocalDate day : days) {
      ensurePartition(day);
    }
    int n = entries.size();
    Object[][] cols = new Object[18][n];
    for (int i = 0; i < n; i++) {
      LedgerEntry e = entries.get(i);
      cols[0][i] = Timestamp.from(e.time());
      cols[1][i] = e.requestId();
      cols[2][i] = e.keyId();
      cols[3][i] = e.teamId();
      cols[4][i] = e.model();
      cols[5][i] = e.provider();
      cols[6][i] = e.upstreamModel();
      cols[7][i] = e.inputTokens();
      cols[8][i] = e.outputTokens();
      cols[9][i] = e.cachedTokens();
      cols[10][i] = e.costUsd();
      cols[11][i] = e.status();
      cols[12][i] = e.latencyMs();
      cols[13][i] = e.streamed();
      cols[14][i] = e.clientRequestId();
      cols[15][i] = e.inputApi();
      cols[16][i] = e.attempt();
      cols[17][i] = e.target();
    }
    String[] types = {
      "timestamptz",
      "text",
      "uuid",
      "uuid",
      "text",
      "text",
      "text",
      "int8",
      "int8",
      "int8",
      "numeric",
      "int4",
      "int8",
      "bool",
      "text",
      "text",
      "int4",
      "text"
    };
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(INSERT)) {
        for (int i = 0; i < cols.length; i++) {
          s.setArray(i + 1, c.createArrayOf(types[i], cols[i]));
        }
        int inserted;
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          inserted = rs.getInt("inserted");
        }
        c.commit();
        return inserted;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Creates the daily partition holding {@code day} if it does not exist yet. */
  public void ensurePartition(LocalDate day) throws SQLException {
    if (knownPartitions.contains(day)) {
      return;
    }
    String name = PARTITION_PREFIX + DAY.format(day);
    String sql =
        "create table if not exists "
            + name
            + " partition of usage_ledger for values from ('"
            + day
            + " 00:00:00+00') to ('"
            + day.plusDays(1)
            + " 00:00:00+00')";
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      // Two replicas racing to create the same partition: the loser sees a duplicate.
      if (!"42P07".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
        throw e;
      }
    }
    knownPartitions.add(day);
  }

  /**
   * Drops the daily partitions that hold only rows older than {@code cutoff}; the rollups keep
   * their sums.
   *
   * @return the names of the dropped partitions
   */
  public List<String> dropPartitionsBefore(Instant cutoff) throws SQLException {
    LocalDate firstKept = LocalDate.ofInstant(cutoff, ZoneOffset.UTC);
    List<String> dropped = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                  + " join pg_class p on p.oid = i.inhparent where p.relname = 'usage_ledger'")) {
        while (rs.next()) {
          names.add(rs.getString("relname"));
        }
      }
      for (String name : names) {
        if (!name.startsWith(PARTITION_PREFIX)) {
          continue;
        }
        LocalDate day = LocalDate.parse(name.substring(PARTITION_PREFIX.length()), DAY);
        if (day.isBefore(firstKept)) {
          s.execute("drop table if exists " + name);
          knownPartitions.remove(day);
          dropped.add(name);
        }
      }
    }
    return dropped;
  }

  /** Whether a request's record is in the ledger (tests and diagnostics). */
  public boolean contains(String requestId) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("select 1 from usage_ledger where request_id = ? limit 1")) {
      s.setString(1, requestId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }
}
