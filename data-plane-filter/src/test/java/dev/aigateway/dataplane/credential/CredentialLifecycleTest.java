package dev.aigateway.dataplane.credential;

import static dev.aigateway.db.jooq.Tables.PROVIDERS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIAL_STATUS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.testing.TestConfig.IssuedKey;
import dev.aigateway.db.Database;
import dev.aigateway.db.provider.CredentialStatus;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Token caching and background refresh, and what a credential that gives no token causes. */
@ExtendWith(PostgresExtension.class)
class CredentialLifecycleTest {
  private static final String AZURE_SETTINGS =
      "{\"api_version\":\"2024-10-21\",\"authority_host\":\"%s\"}";
  private static CloudStandIns cloud;
  private static CheckingUpstream upstream;
  private static GatewayHarness gateway;
  private static IssuedKey key;
  private static Database database;
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  /** Admits everything and records on which thread each model's admission ran. */
  private static final java.util.List<String> admitted =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private static final Admission RECORDING =
      request -> {
        admitted.add(request.model() + "@" + Thread.currentThread().getName());
        return Admission.ADMIT_ALL.admit(request);
      };

  @BeforeAll
  static void start(Database db) throws Exception {
    database = db;
    Logger logger = (Logger) LoggerFactory.getLogger(CredentialFailures.class);
    logs.start();
    logger.addAppender(logs);
    Path dir = Files.createTempDirectory("credential-lifecycle");
    cloud = new CloudStandIns(dir);
    upstream = new CheckingUpstream();
    gateway =
        new GatewayHarness(
            db,
            RECORDING,
            ExtProcSettings.DEFAULT_MAX_REQUEST_BODY_BYTES,
            new CloudEnvironment(Map.<String, String>of()::get, cloud.tls.clientTrusting, null));
    provider(
        "vertex",
        ProviderSchema.GCP_VERTEX,
        "{\"project\":\"p\",\"location\":\"l\"}",
        "gcp_service_account",
        Map.of("service_account_json", cloud.serviceAccountKey("sa@p.iam.gserviceaccount.com")));
    // Entra tokens live 4 s: the refresh test sees one refreshed in the background.
    cloud.entraExpiresIn = 4;
    provider(
        "azure",
        ProviderSchema.AZURE_OPENAI,
        AZURE_SETTINGS.formatted(cloud.authorityHost()),
        "azure_client_secret",
        Map.of("tenant_id", "t", "client_id", "c", "client_secret", "short-lived"));
    // Its key's token endpoint refuses the grant: no token can be had.
    provider(
        "broken",
        ProviderSchema.GCP_VERTEX,
        "{\"project\":\"p\",\"location\":\"l\"}",
        "gcp_service_account",
        Map.of(
            "service_account_json",
            cloud
                .serviceAccountKey("broken@p.iam.gserviceaccount.com")
                .replace(cloud.url("/google/token"), cloud.url("/google/refuse"))));
    // Never requested: its token is fetched ahead of any request.
    provider(
        "ahead",
        ProviderSchema.GCP_VERTEX,
        "{\"project\":\"p\",\"location\":\"l\"}",
        "gcp_service_account",
        Map.of("service_account_json", cloud.serviceAccountKey("ahead@p.iam.gserviceaccount.com")));
    // No token can be had: its requests always move to the blocking pool.
    provider(
        "unready",
        ProviderSchema.GCP_VERTEX,
        "{\"project\":\"p\",\"location\":\"l\"}",
        "gcp_service_account",
        Map.of(
            "service_account_json",
            cloud
                .serviceAccountKey("unready@p.iam.gserviceaccount.com")
                .replace(cloud.url("/google/token"), cloud.url("/google/refuse"))));
    // Used by one test only: its first success in this process is the one that test watches.
    provider("fresh", ProviderSchema.OPENAI, "{}", "api_key", Map.of("api_key", "sk-fresh"));
    key = gateway.config.key("main");
    gateway.awaitConfig();
  }

  private static void provider(
      String name,
      ProviderSchema schema,
      String settings,
      String kind,
      Map<String, String> fields) {
    UUID id =
        gateway.config.provider(
            name, schema.wire(), upstream.baseUri().toString(), settings, kind, fields);
    gateway.route(name, upstream.baseUri());
    gateway.config.model(name, TestConfig.target(id, "m"));
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(CredentialFailures.class)).detachAppender(logs);
    gateway.close();
    upstream.close();
    cloud.close();
  }

  private static Exchange chat(String model) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(
          ClientRequest.postJson(
              "/v1/chat/completions",
              key.secret(),
              "{\"model\":\""
                  + model
                  + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
    }
  }

  @Test
  void tokenIsFetchedWhenTheCredentialAppearsBeforeAnyRequest() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline
        && cloud.calls("/google/token").stream()
            .noneMatch(
                c ->
                    c.form().getOrDefault("assertion", "").length() > 0
                        && jwtIssuer(c.form().get("assertion"))
                            .equals("ahead@p.iam.gserviceaccount.com"))) {
      Thread.sleep(50);
    }
    assertThat(cloud.calls("/google/token"))
        .anyMatch(
            c -> jwtIssuer(c.form().get("assertion")).equals("ahead@p.iam.gserviceaccount.com"));
  }

  private static String jwtIssuer(String jwt) {
    try {
      String claims =
          new String(
              java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
              java.nio.charset.StandardCharsets.UTF_8);
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(claims)
          .path("iss")
          .asText();
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void admissionStaysOnTheEventLoopWhileTheAttemptFetchesAMissingTokenWhereItMayBlock() {
    upstream.expect(
        h -> h.getOrDefault("authorization", "").startsWith("Bearer ya29.local-"),
        UpstreamAnswers.chat(ProviderSchema.GCP_VERTEX));
    assertThat(chat("vertex").status()).isEqualTo(200);
    admitted.clear();

    assertThat(chat("vertex").status()).isEqualTo(200);
    assertThat(chat("unready").status()).isEqualTo(502);

    assertThat(admitted).hasSize(2);
    // The router point admits without knowing the target's credentials (issue 19: they belong to
    // the attempt, which is deferred to the blocking pool for a token fetch; the fetch refused
    // here is the 502).
    assertThat(admitted.get(0)).startsWith("vertex@").doesNotContain("ext-proc-blocking-");
    assertThat(admitted.get(1)).startsWith("unready@").doesNotContain("ext-proc-blocking-");
  }

  @Test
  void googleTokenIsFetchedOnceForManyRequests() {
    upstream.expect(
        h -> h.getOrDefault("authorization", "").startsWith("Bearer ya29.local-"),
        UpstreamAnswers.chat(ProviderSchema.GCP_VERTEX));
    java.util.Set<String> sent = new java.util.HashSet<>();
    for (int i = 0; i < 5; i++) {
      assertThat(chat("vertex").status()).isEqualTo(200);
      sent.add(upstream.last().get("authorization"));
    }
    assertThat(sent).hasSize(1);
    // Fetched once in the class's life (ahead of the first request or by it), never again.
    assertThat(cloud.calls("/google/token"))
        .filteredOn(
            c -> jwtIssuer(c.form().get("assertion")).equals("sa@p.iam.gserviceaccount.com"))
        .hasSize(1);
  }

  @Test
  void entraTokenIsRefreshedInTheBackgroundBeforeItExpires() throws Exception {
    // Tokens of 4 s are refreshed at half their lifetime, 2 s.
    upstream.expect(
        h -> h.getOrDefault("authorization", "").startsWith("Bearer entra-"),
        UpstreamAnswers.chat(ProviderSchema.AZURE_OPENAI));
    assertThat(chat("azure").status()).isEqualTo(200);
    String first = upstream.last().get("authorization");
    int issued = cloud.entraTokens.get();

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (cloud.entraTokens.get() == issued && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    cloud.entraExpiresIn = 3600;
    assertThat(cloud.entraTokens.get())
        .as("a token fetched with no request waiting")
        .isGreaterThan(issued);

    assertThat(chat("azure").status()).isEqualTo(200);
    assertThat(upstream.last().get("authorization")).isNotEqualTo(first);
  }

  @Test
  void failureStoredBeforeThisProcessIsClearedByTheCredentialsFirstSuccess() throws Exception {
    var credential =
        database
            .dsl()
            .select(PROVIDER_CREDENTIALS.ID)
            .from(PROVIDER_CREDENTIALS)
            .join(PROVIDERS)
            .on(PROVIDERS.ID.eq(PROVIDER_CREDENTIALS.PROVIDER_ID))
            .where(PROVIDERS.NAME.eq("fresh"))
            .fetchSingle(PROVIDER_CREDENTIALS.ID);
    CredentialStatus.failing(database.dsl(), credential, "from an earlier process");
    upstream.expect(
        h -> "Bearer sk-fresh".equals(h.get("authorization")),
        UpstreamAnswers.chat(ProviderSchema.OPENAI));

    assertThat(chat("fresh").status()).isEqualTo(200);

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    boolean stored = true;
    while (stored && System.nanoTime() < deadline) {
      stored =
          database
              .dsl()
              .fetchExists(
                  PROVIDER_CREDENTIAL_STATUS,
                  PROVIDER_CREDENTIAL_STATUS.CREDENTIAL_ID.eq(credential));
      Thread.sleep(20);
    }
    assertThat(stored).isFalse();
  }

  @Test
  void credentialWithoutTokenGives502NamingTheProviderLogsOnceCountsAndIsStored() throws Exception {
    Exchange first = chat("broken");
    int refusals = cloud.calls("/google/refuse").size();
    Exchange second = chat("broken");

    assertThat(refusals).as("the token endpoint was asked").isPositive();
    assertThat(cloud.calls("/google/refuse").size())
        .as("the second request fails at once, without asking the token endpoint again")
        .isEqualTo(refusals);

    for (Exchange e : new Exchange[] {first, second}) {
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.bodyText())
          .contains("\"error\"")
          .contains("'broken'")
          .doesNotContain("PRIVATE KEY")
          .doesNotContain("private_key");
    }
    assertThat(logs.list.stream().filter(l -> l.getFormattedMessage().contains("'broken'")).count())
        .as("logged once, not per request")
        .isEqualTo(1);
    assertThat(
            gateway
                .metrics
                .get("gateway_upstream_credential_failures")
                .tags("provider", "broken", "kind", "gcp_service_account")
                .counter()
                .count())
        .isEqualTo(2.0);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    String stored = null;
    while (stored == null && System.nanoTime() < deadline) {
      stored =
          database
              .dsl()
              .select(PROVIDER_CREDENTIAL_STATUS.ERROR)
              .from(PROVIDER_CREDENTIAL_STATUS)
              .where(PROVIDER_CREDENTIAL_STATUS.ERROR.contains("'broken'"))
              .fetchOne(PROVIDER_CREDENTIAL_STATUS.ERROR);
      Thread.sleep(20);
    }
    assertThat(stored).contains("'broken'").doesNotContain("PRIVATE KEY");
  }
}
