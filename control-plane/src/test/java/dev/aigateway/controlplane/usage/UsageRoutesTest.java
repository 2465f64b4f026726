package dev.aigateway.controlplane.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.db.usage.LedgerEntry;
import dev.aigateway.db.usage.LedgerRepository;
import io.javalin.Javalin;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Database db;
  private final UUID team = UUID.randomUUID();
  private final UUID key = UUID.randomUUID();
  private final HttpClient http = HttpClient.newHttpClient();
  private Javalin server;

  UsageRoutesTest(Database db) {
    this.db = db;
  }

  @BeforeAll
  void start() throws Exception {
    db.dsl().execute("insert into teams (id, name) values (?, 'search')", team);
    db.dsl()
        .execute(
            "insert into api_keys (id, name, team_id, prefix, key_hash) values (?, 'ci-key', ?,"
                + " 'sk-gw-abcdef', ?)",
            key,
            team,
            new byte[] {1, 2, 3});
    LedgerRepository ledger = new LedgerRepository(db);
    List<LedgerEntry> entries =
        List.of(
            entry("r1", "2026-11-25T10:05:00Z", "gpt-4o-mini", 200, 10, 4, "0.0000100000"),
            entry("r2", "2026-11-25T10:40:00Z", "gpt-4o-mini", 200, 20, 8, "0.0000200000"),
            entry("r3", "2026-11-25T11:10:00Z", "claude", 502, 0, 0, "0"),
            entry("r4", "2026-11-24T23:59:59Z", "gpt-4o-mini", 200, 5, 5, "0.0000050000"));
    assertThat(ledger.insert(entries)).isEqualTo(4);
    // A replay of the same records (as after a spool) adds nothing.
    assertThat(ledger.insert(entries)).isZero();
    Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:30:00Z"), ZoneOffset.UTC);
    server =
        Javalin.create(config -> UsageRoutes.register(config.routes, db, clock))
            .start("127.0.0.1", 0);
  }

  @AfterAll
  void stop() {
    server.stop();
  }

  private LedgerEntry entry(
      String id, String time, String model, int status, long in, long out, String cost) {
    return new LedgerEntry(
        Instant.parse(time),
        id,
        key,
        team,
        model,
        "prov",
        model + "-up",
        in,
        out,
        0,
        new BigDecimal(cost),
        status,
        120,
        false);
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .header("authorization", "Bearer test")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reportGroupsRollupsByModelPerHourWithoutCountingReplays() throws Exception {
    HttpResponse<String> r =
        get(
            "/api/v1/usage?group_by=model&granularity=hour&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("group_by").asText()).isEqualTo("model");
    JsonNode gpt = body.get("series").get(1);
    assertThat(gpt.get("group").asText()).isEqualTo("gpt-4o-mini");
    assertThat(gpt.get("points")).hasSize(1);
    assertThat(gpt.get("points").get(0).get("start").asText()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(gpt.get("points").get(0).get("requests").asLong()).isEqualTo(2);
    assertThat(gpt.get("points").get(0).get("total_tokens").asLong()).isEqualTo(42);
    JsonNode totals = body.get("totals");
    assertThat(totals.get("requests").asLong()).isEqualTo(3);
    assertThat(totals.get("errors").asLong()).isEqualTo(1);
    assertThat(totals.get("cost_usd").decimalValue()).isEqualByComparingTo("0.00003");
  }

  @Test
  void dailyReportByTeamShowsTheTeamName() throws Exception {
    JsonNode body =
        JSON.readTree(
            get("/api/v1/usage?group_by=team&granularity=day&from=2026-11-24T00:00:00Z&to=2026-11-26T00:00:00Z")
                .body());
    JsonNode series = body.get("series").get(0);
    assertThat(series.get("group").asText()).isEqualTo("search");
    assertThat(series.get("group_id").asText()).isEqualTo(team.toString());
    assertThat(series.get("points")).hasSize(2);
    assertThat(series.get("points").get(1).get("requests").asLong()).isEqualTo(3);
  }

  @Test
  void ledgerIsPagedNewestFirstAndFiltered() throws Exception {
    JsonNode page =
        JSON.readTree(
            get("/api/v1/usage/requests?from=2026-11-24T00:00:00Z&to=2026-11-26T00:00:00Z&limit=2")
                .body());
    assertThat(page.get("total").asLong()).isEqualTo(4);
    assertThat(page.get("items")).hasSize(2);
    JsonNode first = page.get("items").get(0);
    assertThat(first.get("request_id").asText()).isEqualTo("r3");
    assertThat(first.get("key_name").asText()).isEqualTo("ci-key");
    assertThat(first.get("team").asText()).isEqualTo("search");
    assertThat(first.get("status").asInt()).isEqualTo(502);

    JsonNode filtered =
        JSON.readTree(
            get("/api/v1/usage/requests?from=2026-11-24T00:00:00Z&to=2026-11-26T00:00:00Z&model=gpt-4o-mini&status=200&team=search")
                .body());
    assertThat(filtered.get("total").asLong()).isEqualTo(3);
  }

  @Test
  void badQueryParametersGetAProblemWithEachField() throws Exception {
    HttpResponse<String> r = get("/api/v1/usage?group_by=colour&from=yesterday&key=nope");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode errors = JSON.readTree(r.body()).get("errors");
    assertThat(errors.findValuesAsText("field"))
        .containsExactlyInAnyOrder("group_by", "from", "key");
    assertThat(get("/api/v1/usage/requests?limit=0").statusCode()).isEqualTo(400);
  }
}
