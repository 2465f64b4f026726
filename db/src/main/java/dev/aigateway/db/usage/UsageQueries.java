package dev.aigateway.db.usage;

import static java.util.Objects.requireNonNull;

import dev.aigateway.db.Database;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jooq.Record;
import org.jooq.Result;

/** Reads usage reports from the hourly rollups and pages through the raw ledger. */
public final class UsageQueries {

  /** What a report groups by. */
  public enum GroupBy {
    KEY,
    TEAM,
    MODEL,
    PROVIDER
  }

  /** Size of a report's buckets. */
  public enum Granularity {
    HOUR,
    DAY
  }

  /** A page of the ledger, newest first. */
  public record LedgerPage(List<LedgerRow> items, long total) {
    public LedgerPage {
      items = List.copyOf(items);
    }
  }

  private final Database database;

  public UsageQueries(Database database) {
    this.database = requireNonNull(database, "database");
  }

  /** Usage per group and bucket over {@code filter}'s period, from the rollups. */
  public List<UsageSeries> report(GroupBy groupBy, Granularity granularity, UsageFilter filter) {
    String group =
        switch (groupBy) {
          case KEY -> "k.name, r.key_id::text";
          case TEAM -> "t.name, r.team_id::text";
          case MODEL -> "r.model, m.id::text";
          case PROVIDER -> "r.provider, p.id::text";
        };
    List<Object> binds = new ArrayList<>();
    binds.add(granularity.name().toLowerCase(Locale.ROOT));
    String where = where(filter, binds, "r.hour", true);
    String sql =
        "select "
            + group
            + ", date_trunc(?::text, r.hour, 'UTC') as bucket, sum(r.requests), sum(r.errors),"
            + " sum(r.input_tokens), sum(r.output_tokens), sum(r.cost_usd)"
            + " from usage_rollup_hourly r"
            + " left join api_keys k on k.id = r.key_id left join teams t on t.id = r.team_id"
            + " left join models m on m.name = r.model left join providers p on p.name = r.provider"
            + where
            + " group by 1, 2, 3 order by 1 nulls last, 2, 3";
    Map<String, List<UsageTotals>> points = new LinkedHashMap<>();
    Map<String, String[]> names = new LinkedHashMap<>();
    for (Record r : database.dsl().fetch(sql, binds.toArray())) {
      String name = r.get(0, String.class);
      String id = r.get(1, String.class);
      String k = name + "\u0000" + id;
      names.putIfAbsent(k, new String[] {name, id});
      points
          .computeIfAbsent(k, x -> new ArrayList<>())
          .add(
              new UsageTotals(
                  r.get(2, OffsetDateTime.class).toInstant(),
                  r.get(3, Long.class),
                  r.get(4, Long.class),
                  r.get(5, Long.class),
                  r.get(6, Long.class),
                  r.get(7, BigDecimal.class)));
    }
    List<UsageSeries> series = new ArrayList<>();
    points.forEach((k, p) -> series.add(new UsageSeries(names.get(k)[0], names.get(k)[1], p)));
    return series;
  }

  /** Overall totals of {@code filter}'s period, from the rollups. */
  public UsageTotals totals(UsageFilter filter) {
    List<Object> binds = new ArrayList<>();
    String where = where(filter, binds, "r.hour", true);
    Record r =
        database
            .dsl()
            .fetchOne(
                "select coalesce(sum(r.requests), 0), coalesce(sum(r.errors), 0),"
                    + " coalesce(sum(r.input_tokens), 0), coalesce(sum(r.output_tokens), 0),"
                    + " coalesce(sum(r.cost_usd), 0) from usage_rollup_hourly r"
                    + " left join teams t on t.id = r.team_id"
                    + where,
                binds.toArray());
    requireNonNull(r, "totals row");
    return new UsageTotals(
        null,
        r.get(0, Long.class),
        r.get(1, Long.class),
        r.get(2, Long.class),
        r.get(3, Long.class),
        r.get(4, BigDecimal.class));
  }

  /** A page of ledger entries matching {@code filter}, newest first. */
  public LedgerPage requests(UsageFilter filter, int limit, int offset) {
    List<Object> binds = new ArrayList<>();
    String where = where(filter, binds, "l.time", false);
    String from =
        " from usage_ledger l left join api_keys k on k.id = l.key_id"
            + " left join teams t on t.id = l.team_id";
    Record count = database.dsl().fetchOne("select count(*)" + from + where, binds.toArray());
    long total = count == null ? 0 : count.get(0, Long.class);
    List<Object> pageBinds = new ArrayList<>(binds);
    pageBinds.add(limit);
    pageBinds.add(offset);
    Result<Record> rows =
        database
            .dsl()
            .fetch(
                "select l.time, l.request_id, l.key_id, l.team_id, l.model, l.provider,"
                    + " l.upstream_model, l.input_tokens, l.output_tokens, l.cached_tokens,"
                    + " l.cost_usd, l.status, l.latency_ms, l.streamed, k.name, t.name,"
                    + " l.client_request_id, l.input_api, l.attempt, l.target,"
                    // How many attempts the request took: its rows share the request id (and
                    // lie within the longest stream a provider request may last).
                    + " (select max(a.attempt) from usage_ledger a where a.request_id ="
                    + " l.request_id and a.time between l.time - interval '2 hours' and l.time"
                    + " + interval '2 hours')"
                    + from
                    + where
                    + " order by l.time desc, l.request_id limit ?::int offset ?::int",
                pageBinds.toArray());
    List<LedgerRow> items = new ArrayList<>();
    for (Record r : rows) {
      items.add(
          new LedgerRow(
              new LedgerEntry(
                  r.get(0, OffsetDateTime.class).toInstant(),
                  r.get(1, String.class),
                  r.get(2, UUID.class),
                  r.get(3, UUID.class),
                  r.get(4, String.class),
                  r.get(5, String.class),
                  r.get(6, String.class),
                  r.get(7, Long.class),
                  r.get(8, Long.class),
                  r.get(9, Long.class),
                  r.get(10, BigDecimal.class),
                  r.get(11, Integer.class),
                  r.get(12, Long.class),
                  r.get(13, Boolean.class),
                  r.get(16, String.class),
                  r.get(17, String.class),
                  r.get(18, Integer.class),
                  r.get(19, String.class)),
              r.get(14, String.class),
              r.get(15, String.class),
              r.get(20, Integer.class)));
    }
    return new LedgerPage(items, total);
  }

  private static String where(
      UsageFilter f, List<Object> binds, String timeColumn, boolean rollup) {
    String p = rollup ? "r." : "l.";
    StringBuilder w =
        new StringBuilder(
            " where " + timeColumn + " >= ?::timestamptz and " + timeColumn + " < ?::timestamptz");
    binds.add(OffsetDateTime.ofInstant(f.from(), java.time.ZoneOffset.UTC));
    binds.add(OffsetDateTime.ofInstant(f.to(), java.time.ZoneOffset.UTC));
    if (f.keyId() != null) {
      w.append(" and ").append(p).append("key_id = ?::uuid");
      binds.add(f.keyId());
    }
    if (f.team() != null) {
      w.append(" and (").append(p).append("team_id::text = ?::text or t.name = ?::text)");
      binds.add(f.team());
      binds.add(f.team());
    }
    if (f.model() != null) {
      w.append(" and ").append(p).append("model = ?::text");
      binds.add(f.model());
    }
    if (f.provider() != null) {
      w.append(" and ").append(p).append("provider = ?::text");
      binds.add(f.provider());
    }
    if (f.status() != null && !rollup) {
      w.append(" and l.status = ?::int");
      binds.add(f.status());
    }
    return w.toString();
  }
}
