package dev.aigateway.controlplane.usage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.db.Database;
import dev.aigateway.db.usage.LedgerEntry;
import dev.aigateway.db.usage.LedgerRow;
import dev.aigateway.db.usage.UsageFilter;
import dev.aigateway.db.usage.UsageQueries;
import dev.aigateway.db.usage.UsageSeries;
import dev.aigateway.db.usage.UsageTotals;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/v1/usage} (reports from the hourly rollups) and {@code GET
 * /api/v1/usage/requests} (the per-request ledger), as docs/admin-api.md defines them.
 */
public final class UsageRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_RANGE = Duration.ofDays(400);

  private final UsageQueries queries;
  private final Clock clock;

  private UsageRoutes(UsageQueries queries, Clock clock) {
    this.queries = queries;
    this.clock = clock;
  }

  /** Registers the routes (the admin auth before-handler covers {@code /api/v1/*}). */
  public static void register(RoutesConfig routes, Database database, Clock clock) {
    requireNonNull(database, "database");
    UsageRoutes usage = new UsageRoutes(new UsageQueries(database), requireNonNull(clock, "clock"));
    routes.get("/api/v1/usage", usage::report);
    routes.get("/api/v1/usage/requests", usage::requests);
  }

  private void report(Context ctx) {
    Params p = new Params(ctx);
    UsageQueries.GroupBy groupBy =
        p.oneOf("group_by", "model", UsageQueries.GroupBy.class, "key, team, model or provider");
    UsageQueries.Granularity granularity =
        p.oneOf("granularity", "hour", UsageQueries.Granularity.class, "hour or day");
    UsageFilter filter = p.filter(Duration.ofDays(1), false);
    if (p.invalid(ctx)) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("group_by", groupBy.name().toLowerCase(Locale.ROOT));
    body.put("granularity", granularity.name().toLowerCase(Locale.ROOT));
    body.put("from", filter.from().toString());
    body.put("to", filter.to().toString());
    ArrayNode series = body.putArray("series");
    for (UsageSeries s : queries.report(groupBy, granularity, filter)) {
      ObjectNode node = series.addObject();
      node.put("group", s.group());
      node.put("group_id", s.groupId());
      ArrayNode points = node.putArray("points");
      s.points().forEach(t -> totals(points.addObject(), t));
    }
    totals(body.putObject("totals"), queries.totals(filter));
    ctx.contentType("application/json").result(body.toString());
  }

  private void requests(Context ctx) {
    Params p = new Params(ctx);
    int limit = p.integer("limit", 50, 1, 500);
    int offset = p.integer("offset", 0, 0, Integer.MAX_VALUE);
    UsageFilter filter = p.filter(Duration.ofDays(7), true);
    if (p.invalid(ctx)) {
      return;
    }
    UsageQueries.LedgerPage page = queries.requests(filter, limit, offset);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (LedgerRow row : page.items()) {
      LedgerEntry e = row.entry();
      ObjectNode n = items.addObject();
      n.put("time", e.time().toString());
      n.put("request_id", e.requestId());
      n.put("client_request_id", e.clientRequestId());
      n.put("key_id", e.keyId() == null ? null : e.keyId().toString());
      n.put("key_name", row.keyName());
      n.put("team", row.teamName());
      n.put("model", e.model());
      n.put("provider", e.provider());
      n.put("upstream_model", e.upstreamModel());
      n.put("input_tokens", e.inputTokens());
      n.put("output_tokens", e.outputTokens());
      n.put("cached_tokens", e.cachedTokens());
      n.put("cost_usd", e.costUsd().stripTrailingZeros());
      n.put("status", e.status());
      n.put("latency_ms", e.latencyMs());
      n.put("streamed", e.streamed());
      n.put("input_api", e.inputApi());
      // Failover (issue 19): one row per attempt; the 2xx row names the target that served.
      n.put("attempt", e.attempt());
      n.put("target", e.target());
      if (row.attempts() != null) {
        n.put("attempts", row.attempts());
      }
    }
    body.put("total", page.total());
    body.put("limit", limit);
    body.put("offset", offset);
    ctx.contentType("application/json").result(body.toString());
  }

  private static void totals(ObjectNode n, UsageTotals t) {
    if (t.start() != null) {
      n.put("start", t.start().toString());
    }
    n.put("requests", t.requests());
    n.put("errors", t.errors());
    n.put("input_tokens", t.inputTokens());
    n.put("output_tokens", t.outputTokens());
    n.put("total_tokens", t.totalTokens());
    n.put("cost_usd", t.costUsd().stripTrailingZeros());
  }

  /** Query parameters with per-field errors collected into one problem+json 400. */
  private final class Params {
    private final Context ctx;
    private final List<String[]> errors = new ArrayList<>();

    Params(Context ctx) {
      this.ctx = ctx;
    }

    <E extends Enum<E>> E oneOf(String name, String fallback, Class<E> type, String expected) {
      String raw = ctx.queryParam(name);
      String value = raw == null || raw.isBlank() ? fallback : raw;
      try {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(new String[] {name, "must be " + expected});
        return Enum.valueOf(type, fallback.toUpperCase(Locale.ROOT));
      }
    }

    int integer(String name, int fallback, int min, int max) {
      String raw = ctx.queryParam(name);
      if (raw == null || raw.isBlank()) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(raw);
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      errors.add(
          new String[] {
            name,
            "must be an integer"
                + (max == Integer.MAX_VALUE ? " >= " + min : " from " + min + " to " + max)
          });
      return fallback;
    }

    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    @Nullable Instant instant(String name) {
      String raw = ctx.queryParam(name);
      if (raw == null || raw.isBlank()) {
        return null;
      }
      try {
        Instant value = Instant.parse(raw);
        // Instant takes years up to 1e9; the database and every date type past it do not.
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
          errors.add(new String[] {name, "must be between 1970-01-01T00:00:00Z and 9999-12-31"});
          return null;
        }
        return value;
      } catch (DateTimeParseException e) {
        errors.add(
            new String[] {name, "must be an RFC 3339 timestamp such as 2026-11-25T14:00:00Z"});
        return null;
      }
    }

    UsageFilter filter(Duration defaultRange, boolean withStatus) {
      Instant to = instant("to");
      Instant from = instant("from");
      if (to == null) {
        to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
      }
      if (from == null) {
        from = to.minus(defaultRange);
      }
      if (!from.isBefore(to)) {
        errors.add(new String[] {"from", "must be before to"});
      } else if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
        errors.add(new String[] {"from", "the range may span at most 400 days"});
      }
      UUID key = null;
      String rawKey = ctx.queryParam("key");
      if (rawKey != null && !rawKey.isBlank()) {
        try {
          key = UUID.fromString(rawKey);
        } catch (IllegalArgumentException e) {
          errors.add(new String[] {"key", "must be a key id (UUID)"});
        }
      }
      Integer status = null;
      if (withStatus && ctx.queryParam("status") != null) {
        status = integer("status", 0, 0, 599);
      }
      return new UsageFilter(
          from,
          to,
          key,
          blankToNull(ctx.queryParam("team")),
          blankToNull(ctx.queryParam("model")),
          blankToNull(ctx.queryParam("provider")),
          status);
    }

    boolean invalid(Context ctx) {
      if (errors.isEmpty()) {
        return false;
      }
      ObjectNode problem = JSON.createObjectNode();
      problem.put("type", "about:blank");
      problem.put("title", "Invalid query parameters");
      problem.put("status", 400);
      problem.put("detail", "One or more query parameters are invalid.");
      ArrayNode list = problem.putArray("errors");
      for (String[] e : errors) {
        list.addObject().put("field", e[0]).put("message", e[1]);
      }
      ctx.status(400).contentType("application/problem+json").result(problem.toString());
      return true;
    }
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
