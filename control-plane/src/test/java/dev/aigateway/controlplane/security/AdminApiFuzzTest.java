package dev.aigateway.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.controlplane.admin.Fixtures;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.SharedPostgres;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the admin API's inputs (issue 14, "a fuzz suite for every parser a client reaches"): the
 * committed seed requests in {@code src/test/resources/fuzz/admin-seeds.json}, mutated, sent to a
 * real control plane on a real PostgreSQL. Property: no 5xx, every refusal in the API's
 * problem+json shape, and a refused write leaves no row and no config revision behind.
 */
class AdminApiFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> TABLES =
      List.of(
          "providers",
          "provider_credentials",
          "models",
          "model_targets",
          "teams",
          "api_keys",
          "quotas",
          "fleets",
          "admin_tokens",
          "audit_log");

  private static String dbName;
  private static Database db;
  private static AdminServer server;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Seed(String method, String path, JsonNode body) {}

  record Attempt(String method, String path, String body) {
    @Override
    public String toString() {
      return method + " " + path + " " + (body.length() > 300 ? body.substring(0, 300) : body);
    }
  }

  @BeforeContainer
  static void start() {
    SharedPostgres shared = SharedPostgres.get();
    dbName = shared.createDatabase();
    Properties credentials = new Properties();
    credentials.setProperty("user", "postgres");
    db = Database.connect(shared.jdbcUrl(dbName), credentials, 8);
    server = AdminServer.start(db, new ControlPlaneSecurity(null, null, null, false));
    AdminClient client = server.client();
    Fixtures.provider(client, "seed-provider");
    Fixtures.model(client, "seed-model", "seed-provider");
    Fixtures.team(client, "seed-team");
  }

  @AfterContainer
  static void stop() {
    server.close();
    db.close();
    SharedPostgres.get().dropDatabase(dbName);
  }

  @Property(tries = 150)
  void noInputMakesTheAdminApiFailOrWriteHalfway(@ForAll("attempts") Attempt attempt)
      throws Exception {
    long[] before = state();
    HttpResponse<String> response = send(attempt);
    assertThat(response.statusCode()).as(attempt + " -> " + response.body()).isLessThan(500);
    if (response.statusCode() >= 400) {
      assertThat(response.headers().firstValue("content-type").orElse(""))
          .as(attempt.toString())
          .startsWith("application/problem+json");
      assertThat(state()).as("state after refused " + attempt).containsExactly(before);
    }
  }

  @Provide
  Arbitrary<Attempt> attempts() {
    List<Seed> seeds = seeds();
    return Arbitraries.of(seeds)
        .flatMap(
            seed ->
                seed.body() == null
                    ? queryMutations(seed)
                    : Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, fieldMutations(seed)),
                        net.jqwik.api.Tuple.of(1, jsonValue(3).map(v -> attempt(seed, v))),
                        net.jqwik.api.Tuple.of(
                            1,
                            Arbitraries.strings()
                                .ofMaxLength(200)
                                .map(raw -> new Attempt(seed.method(), seed.path(), raw)))));
  }

  private static Arbitrary<Attempt> fieldMutations(Seed seed) {
    List<String> fields = new ArrayList<>();
    seed.body().fieldNames().forEachRemaining(fields::add);
    Arbitrary<String> field =
        Arbitraries.oneOf(Arbitraries.of(fields), Arbitraries.strings().ofMaxLength(20));
    return Combinators.combine(field, jsonValue(3), Arbitraries.of(0, 1, 2))
        .as(
            (name, value, kind) -> {
              ObjectNode body = ((ObjectNode) seed.body()).deepCopy();
              switch (kind) {
                case 0 -> body.set(name, value);
                case 1 -> body.remove(name);
                default -> {
                  // Nested: inside the first element of an array field, if there is one.
                  JsonNode inner = body.get(name);
                  if (inner instanceof ArrayNode array && array.get(0) instanceof ObjectNode o) {
                    o.set(fields.isEmpty() ? "x" : fields.getFirst(), value);
                  } else {
                    body.set(name, NODES.arrayNode().add(value));
                  }
                }
              }
              return attempt(seed, body);
            });
  }

  private static Arbitrary<Attempt> queryMutations(Seed seed) {
    URI uri = URI.create(seed.path());
    List<String> params = new ArrayList<>(List.of(uri.getRawQuery().split("&")));
    return Combinators.combine(Arbitraries.integers().between(0, params.size() - 1), nastyString())
        .as(
            (index, value) -> {
              List<String> changed = new ArrayList<>(params);
              String name = changed.get(index).split("=", 2)[0];
              changed.set(index, name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
              return new Attempt("GET", uri.getRawPath() + "?" + String.join("&", changed), "");
            });
  }

  private static Attempt attempt(Seed seed, JsonNode body) {
    try {
      return new Attempt(seed.method(), seed.path(), JSON.writeValueAsString(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any JSON value: scalars with the classic troublemakers, arrays and objects up to depth. */
  private static Arbitrary<JsonNode> jsonValue(int depth) {
    Arbitrary<JsonNode> scalar =
        Arbitraries.oneOf(
            nastyString().map(NODES::textNode),
            Arbitraries.longs().map(NODES::numberNode),
            Arbitraries.of(
                (JsonNode) NODES.numberNode(Long.MAX_VALUE),
                NODES.numberNode(Long.MIN_VALUE),
                NODES.numberNode(new BigInteger("9".repeat(40))),
                NODES.numberNode(new BigDecimal("1e400")),
                NODES.numberNode(new BigDecimal("-1e-400")),
                NODES.numberNode(Double.MAX_VALUE),
                NODES.numberNode(-0.0),
                NODES.booleanNode(true),
                NODES.nullNode()));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<JsonNode> array =
        jsonValue(depth - 1)
            .list()
            .ofMaxSize(4)
            .map(
                items -> {
                  ArrayNode a = NODES.arrayNode();
                  items.forEach(a::add);
                  return a;
                });
    Arbitrary<JsonNode> object =
        Combinators.combine(Arbitraries.strings().ofMaxLength(12), jsonValue(depth - 1))
            .as((k, v) -> (JsonNode) NODES.objectNode().set(k, v))
            .list()
            .ofMaxSize(3)
            .map(
                entries -> {
                  ObjectNode o = NODES.objectNode();
                  entries.forEach(e -> o.setAll((ObjectNode) e));
                  return o;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalar),
        net.jqwik.api.Tuple.of(1, array),
        net.jqwik.api.Tuple.of(1, object));
  }

  private static Arbitrary<String> nastyString() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.of(
            "",
            " ",
            "\u0000",
            "a\u0000b",
            "\uD800",
            "\uFEFF",
            "x".repeat(70_000),
            "../../etc/passwd",
            "${jndi:ldap://x/a}",
            "+1000000000-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "NaN",
            "-1",
            "99999999999999999999",
            "00000000-0000-0000-0000-000000000000",
            "http://169.254.169.254/latest",
            "seed-provider",
            "seed-team",
            "seed-model",
            "'; drop table providers; --"));
  }

  private static long[] state() {
    // One round trip: every table's row count and the config revision.
    StringBuilder sql = new StringBuilder("select ");
    for (String table : TABLES) {
      sql.append("(select count(*) from ").append(table).append("), ");
    }
    sql.append("(select coalesce(max(revision), 0) from config_revision)");
    var row = db.dsl().fetchOne(sql.toString());
    long[] counts = new long[TABLES.size() + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = ((Number) row.get(i)).longValue();
    }
    return counts;
  }

  private static HttpResponse<String> send(Attempt attempt) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.controlPlane.adminPort() + attempt.path()))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + server.adminToken);
    if (attempt.method().equals("GET")) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .method(attempt.method(), HttpRequest.BodyPublishers.ofString(attempt.body()));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Seed> seeds() {
    try (InputStream in = AdminApiFuzzTest.class.getResourceAsStream("/fuzz/admin-seeds.json")) {
      List<Seed> seeds = new ArrayList<>();
      for (JsonNode s : JSON.readTree(in)) {
        seeds.add(new Seed(s.get("method").asText(), s.get("path").asText(), s.get("body")));
      }
      return seeds;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the fuzz seeds", e);
    }
  }
}
