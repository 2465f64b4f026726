package dev.aigateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.db.Database;
import dev.aigateway.db.admintoken.AdminTokenRepository;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.fakeprovider.FakeProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code gateway run --demo}: a local fake OpenAI-compatible provider, and a provider, model, team,
 * key and quota seeded through the admin REST API, so a newcomer can see a completion, its usage
 * and a 429 without any provider account.
 */
final class Demo {
  static final String MODEL = "demo-model";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String adminBase;
  private final String token;

  private Demo(String adminBase, String token) {
    this.adminBase = adminBase;
    this.token = token;
  }

  /** What the demo set up. */
  record Seeded(String keySecret, FakeProvider provider) {}

  /**
   * Starts the fake provider and seeds the configuration with a short-lived admin token of its own
   * (audited as {@code demo-seeder}, revoked once the seeding is done).
   */
  static Seeded seed(Database db, String adminHost, int adminPort) throws Exception {
    FakeProvider fake = FakeProvider.start(0, Duration.ofMillis(40));
    String token = Hashes.newToken("gw-demo-", 32);
    UUID tokenId = UUID.randomUUID();
    db.dsl()
        .transaction(
            tx ->
                AdminTokenRepository.insert(
                    tx.dsl(),
                    tokenId,
                    "demo-seeder",
                    "admin",
                    token.substring(0, 12),
                    Hashes.sha256(token)));
    try {
      Demo demo = new Demo("http://" + adminHost + ":" + adminPort + "/api/v1", token);
      return new Seeded(demo.seedAll(fake), fake);
    } catch (Exception e) {
      fake.close();
      throw e;
    } finally {
      db.dsl().transaction(tx -> AdminTokenRepository.revoke(tx.dsl(), tokenId));
    }
  }

  private String seedAll(FakeProvider fake) throws Exception {
    Map<String, Object> provider =
        Map.of(
            "schema",
            "openai_compatible",
            "base_url",
            fake.baseUrl() + "/v1",
            "credentials",
            List.of(Map.of("kind", "api_key", "api_key", "sk-demo-upstream")));
    JsonNode existing = call("GET", "/providers/demo-fake", null, 200, 404);
    if (existing.has("id")) {
      // The fake provider listens on a new port at every start.
      call(
          "PATCH",
          "/providers/" + existing.path("id").asText(),
          Map.of("version", existing.path("version").asLong(), "base_url", fake.baseUrl() + "/v1"),
          200);
    } else {
      Map<String, Object> create = new java.util.HashMap<>(provider);
      create.put("name", "demo-fake");
      call("POST", "/providers", create, 201);
    }
    if (!call("GET", "/models/" + MODEL, null, 200, 404).has("id")) {
      call(
          "POST",
          "/models",
          Map.of(
              "name", MODEL,
              "targets",
                  List.of(
                      Map.of(
                          "provider",
                          "demo-fake",
                          "model",
                          "fake-model",
                          "weight",
                          1,
                          "priority",
                          0)),
              "pricing", Map.of("input_per_million", 0.15, "output_per_million", 0.60)),
          201);
    }
    if (!call("GET", "/teams/demo", null, 200, 404).has("id")) {
      call("POST", "/teams", Map.of("name", "demo"), 201);
    }
    JsonNode key =
        call(
            "POST",
            "/keys",
            Map.of(
                "name",
                "demo-" + Instant.now().getEpochSecond(),
                "team",
                "demo",
                "allowed_models",
                List.of(MODEL)),
            201);
    call(
        "POST",
        "/quotas",
        Map.of(
            "scope", "key",
            "scope_id", key.path("id").asText(),
            "metric", "total_tokens",
            "window", "minute",
            "limit", 50),
        201);
    return key.path("key").asText();
  }

  private JsonNode call(String method, String path, Object body, int... accepted)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(adminBase + path))
            .timeout(Duration.ofSeconds(10))
            .header("authorization", "Bearer " + token)
            .header("content-type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    for (int status : accepted) {
      if (response.statusCode() == status) {
        return response.body().isBlank()
            ? JSON.createObjectNode()
            : status >= 400 ? JSON.createObjectNode() : JSON.readTree(response.body());
      }
    }
    throw new IllegalStateException(
        "demo seeding failed: "
            + method
            + " "
            + path
            + " answered "
            + response.statusCode()
            + " "
            + response.body());
  }

  /** The lines that tell a newcomer what to try. */
  static void printTryIt(
      PrintStream out, String host, int proxyPort, int adminPort, String keySecret) {
    String api = "http://" + host + ":" + proxyPort + "/v1";
    out.println();
    out.println(
        "Demo: a fake OpenAI-compatible provider is running and configured as model '"
            + MODEL
            + "'.");
    out.println("Client key (shown once): " + keySecret);
    out.println(
        "Try a completion. The key may use 50 tokens a minute and each request reserves its"
            + " max_tokens up front, so the fourth try within a minute answers 429:");
    out.println(
        "  curl -s "
            + api
            + "/chat/completions -H 'Authorization: Bearer "
            + keySecret
            + "' -H 'Content-Type: application/json' -d '{\"model\":\""
            + MODEL
            + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hello gateway!\"}]}'");
    out.println("See its usage (with your admin token):");
    out.println(
        "  curl -s http://"
            + host
            + ":"
            + adminPort
            + "/api/v1/usage/requests -H 'Authorization: Bearer <admin token>'");
  }
}
