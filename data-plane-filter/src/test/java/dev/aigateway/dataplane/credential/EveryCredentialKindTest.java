package dev.aigateway.dataplane.credential;

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
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Every schema with every credential kind it accepts, through the real ext_proc server to a local
 * upstream that checks the credential it receives. Tokens come from the providers' own libraries
 * talking to local stand-ins of Google's, Entra ID's and STS's endpoints.
 */
@ExtendWith(PostgresExtension.class)
class EveryCredentialKindTest {
  private static final String CHAIN_KEY_ID = "AKIAPROCESSCHAIN";
  private static final Map<String, String> env = new ConcurrentHashMap<>();
  private static CloudStandIns cloud;
  private static CheckingUpstream upstream;
  private static GatewayHarness gateway;
  private static IssuedKey key;
  private static Path dir;

  /** Every log event of the class at every level the configuration lets through. */
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  /** One pair to test; {@code variant} tells apart optional settings of a kind. */
  record Case(
      ProviderSchema schema,
      CredentialKind kind,
      String variant,
      Map<String, String> fields,
      Predicate<Map<String, String>> check) {
    String model() {
      return (schema.wire() + "-" + kind.wire() + "-" + variant)
          .replace('_', '-')
          .replace(' ', '-');
    }

    @Override
    public String toString() {
      return schema.wire() + " x " + kind.wire() + (variant.isEmpty() ? "" : " (" + variant + ")");
    }
  }

  static List<Case> cases() {
    String sa = cloud.serviceAccountKey("gateway@proj-1.iam.gserviceaccount.com");
    List<Case> cases = new ArrayList<>();
    cases.add(apiKey(ProviderSchema.OPENAI, bearer("sk-openai-123")));
    cases.add(apiKey(ProviderSchema.OPENAI_COMPATIBLE, bearer("sk-openai-123")));
    cases.add(apiKey(ProviderSchema.AZURE_OPENAI, header("api-key", "sk-openai-123")));
    cases.add(apiKey(ProviderSchema.ANTHROPIC, header("x-api-key", "sk-openai-123")));
    cases.add(apiKey(ProviderSchema.AWS_BEDROCK, bearer("sk-openai-123")));
    cases.add(apiKey(ProviderSchema.GEMINI, header("x-goog-api-key", "sk-openai-123")));
    cases.add(apiKey(ProviderSchema.GCP_VERTEX, header("x-goog-api-key", "sk-openai-123")));
    cases.add(
        new Case(
            ProviderSchema.AZURE_OPENAI,
            CredentialKind.AZURE_CLIENT_SECRET,
            "",
            Map.of("tenant_id", "tenant-1", "client_id", "client-1", "client_secret", "s3cret"),
            bearerPrefix("entra-")));
    cases.add(
        new Case(
            ProviderSchema.AZURE_OPENAI,
            CredentialKind.AZURE_DEFAULT,
            "workload identity",
            Map.of(),
            bearerPrefix("entra-")));
    cases.add(
        new Case(
            ProviderSchema.AWS_BEDROCK,
            CredentialKind.AWS,
            "",
            Map.of("access_key_id", "AKIASTOREDKEY", "secret_access_key", "stored-secret"),
            sigV4("AKIASTOREDKEY", false)));
    cases.add(
        new Case(
            ProviderSchema.AWS_BEDROCK,
            CredentialKind.AWS_DEFAULT,
            "process credentials",
            Map.of(),
            sigV4(CHAIN_KEY_ID, false)));
    cases.add(
        new Case(
            ProviderSchema.AWS_BEDROCK,
            CredentialKind.AWS_DEFAULT,
            "role",
            Map.of(
                "role_arn", "arn:aws:iam::123456789012:role/bedrock",
                "external_id", "ext-1",
                "session_name", "gw"),
            sigV4("ASIAASSUMED", true)));
    cases.add(
        new Case(
            ProviderSchema.GCP_VERTEX,
            CredentialKind.GCP_SERVICE_ACCOUNT,
            "",
            Map.of("service_account_json", sa),
            bearerPrefix("ya29.local-")));
    cases.add(
        new Case(
            ProviderSchema.GCP_VERTEX,
            CredentialKind.GCP_SERVICE_ACCOUNT,
            "impersonating",
            Map.of(
                "service_account_json",
                sa,
                "impersonate_service_account",
                "vertex@proj-1.iam.gserviceaccount.com"),
            bearer("ya29.impersonated")));
    cases.add(
        new Case(
            ProviderSchema.GCP_VERTEX,
            CredentialKind.GCP_DEFAULT,
            "key file",
            Map.of(),
            bearerPrefix("ya29.local-")));
    return cases;
  }

  private static Case apiKey(ProviderSchema schema, Predicate<Map<String, String>> check) {
    return new Case(schema, CredentialKind.API_KEY, "", Map.of("api_key", "sk-openai-123"), check);
  }

  private static Predicate<Map<String, String>> header(String name, String value) {
    return h -> value.equals(h.get(name)) && !h.containsKey("authorization");
  }

  private static Predicate<Map<String, String>> bearer(String token) {
    return h -> ("Bearer " + token).equals(h.get("authorization"));
  }

  private static Predicate<Map<String, String>> bearerPrefix(String prefix) {
    return h -> h.getOrDefault("authorization", "").startsWith("Bearer " + prefix);
  }

  /** A SigV4 signature made with {@code keyId} for Bedrock in us-east-1. */
  private static Predicate<Map<String, String>> sigV4(String keyId, boolean session) {
    return h ->
        h.getOrDefault("authorization", "").startsWith("AWS4-HMAC-SHA256 Credential=" + keyId + "/")
            && h.getOrDefault("authorization", "").contains("/us-east-1/bedrock/aws4_request")
            && h.containsKey("x-amz-date")
            && (session
                ? "sts-session".equals(h.get("x-amz-security-token"))
                : !h.containsKey("x-amz-security-token"));
  }

  @BeforeAll
  static void start(Database db) throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    dir = Files.createTempDirectory("credential-kinds");
    cloud = new CloudStandIns(dir);
    upstream = new CheckingUpstream();
    // The AWS SDK's default chain reads these first (as it does AWS_ACCESS_KEY_ID and friends).
    System.setProperty("aws.accessKeyId", CHAIN_KEY_ID);
    System.setProperty("aws.secretAccessKey", "chain-secret");
    env.put("AWS_ENDPOINT_URL_STS", cloud.url(""));
    Path keyFile = dir.resolve("adc.json");
    Files.writeString(keyFile, cloud.serviceAccountKey("adc@proj-1.iam.gserviceaccount.com"));
    env.put("GOOGLE_APPLICATION_CREDENTIALS", keyFile.toString());
    Path federated = dir.resolve("azure-token");
    Files.writeString(federated, "projected-service-account-token");
    env.put("AZURE_FEDERATED_TOKEN_FILE", federated.toString());
    env.put("AZURE_TENANT_ID", "tenant-wi");
    env.put("AZURE_CLIENT_ID", "client-wi");
    env.put("AZURE_AUTHORITY_HOST", cloud.authorityHost());
    gateway =
        new GatewayHarness(
            db,
            Admission.ADMIT_ALL,
            ExtProcSettings.DEFAULT_MAX_REQUEST_BODY_BYTES,
            new CloudEnvironment(
                env::get, cloud.tls.clientTrusting, cloud.url("/iam/generateAccessToken")));
    for (Case c : cases()) {
      var provider =
          gateway.config.provider(
              c.model(),
              c.schema().wire(),
              upstream.baseUri().toString(),
              settings(c.schema()),
              c.kind().wire(),
              c.fields());
      gateway.route(c.model(), upstream.baseUri());
      gateway.config.model(c.model(), TestConfig.target(provider, "upstream-model"));
    }
    key = gateway.config.key("main");
    gateway.awaitConfig();
  }

  private static String settings(ProviderSchema schema) {
    return switch (schema) {
      case AZURE_OPENAI ->
          "{\"api_version\":\"2024-10-21\",\"authority_host\":\"" + cloud.authorityHost() + "\"}";
      case AWS_BEDROCK -> "{\"region\":\"us-east-1\"}";
      case GCP_VERTEX -> "{\"project\":\"proj-1\",\"location\":\"us-central1\"}";
      case OPENAI, OPENAI_COMPATIBLE, ANTHROPIC, GEMINI -> "{}";
    };
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    gateway.close();
    upstream.close();
    cloud.close();
  }

  static Exchange chat(String model) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(
          ClientRequest.postJson(
              "/v1/chat/completions",
              key.secret(),
              "{\"model\":\""
                  + model
                  + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void upstreamReceivesTheCredentialOfTheKind(Case c) {
    upstream.expect(c.check(), UpstreamAnswers.chat(c.schema()));

    Exchange exchange = chat(c.model());

    assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(200);
    assertThat(c.check().test(upstream.last())).isTrue();
    assertThat(exchange.bodyText()).contains("ok");
  }

  @Test
  void roleIsAssumedWithItsExternalIdAndSessionNameSignedByTheProcessChain() {
    chat("aws-bedrock-aws-default-role");

    CloudStandIns.Call assume =
        cloud.calls.stream()
            .filter(c -> "AssumeRole".equals(c.form().get("Action")))
            .findFirst()
            .orElseThrow();
    assertThat(assume.form())
        .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/bedrock")
        .containsEntry("ExternalId", "ext-1")
        .containsEntry("RoleSessionName", "gw");
    assertThat(assume.headers().get("authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + CHAIN_KEY_ID + "/")
        .contains("/us-east-1/sts/aws4_request");
  }

  @Test
  void entraTokensComeFromTheTenantsEndpointWithTheSecretOrTheProjectedToken() {
    chat("azure-openai-azure-client-secret-");
    chat("azure-openai-azure-default-workload-identity");

    List<CloudStandIns.Call> entra =
        cloud.calls.stream().filter(c -> c.path().endsWith("/oauth2/v2.0/token")).toList();
    assertThat(entra)
        .anySatisfy(
            c -> {
              assertThat(c.path()).isEqualTo("/tenant-1/oauth2/v2.0/token");
              assertThat(c.form())
                  .containsEntry("client_id", "client-1")
                  .containsEntry("client_secret", "s3cret")
                  .containsEntry("grant_type", "client_credentials");
            })
        .anySatisfy(
            c -> {
              assertThat(c.path()).isEqualTo("/tenant-wi/oauth2/v2.0/token");
              assertThat(c.form())
                  .containsEntry("client_id", "client-wi")
                  .containsEntry("client_assertion", "projected-service-account-token");
            });
  }

  @Test
  void noSecretOrTokenAppearsInALogLineOrMetric() {
    for (Case c : cases()) {
      chat(c.model());
    }
    List<String> secrets =
        List.of(
            "sk-openai-123",
            "s3cret",
            "stored-secret",
            "chain-secret",
            "sts-secret",
            "sts-session",
            "ya29.",
            "entra-",
            "PRIVATE KEY",
            "projected-service-account-token");
    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    List<String> meters =
        gateway.metrics.getMeters().stream().map(m -> m.getId().toString()).toList();
    assertThat(lines).isNotEmpty();
    for (String secret : secrets) {
      assertThat(lines).noneMatch(l -> l.contains(secret));
      assertThat(meters).noneMatch(m -> m.contains(secret));
    }
  }

  @Test
  void everySchemaAndCredentialKindPairHasACase() {
    List<String> covered = cases().stream().map(c -> c.schema() + "/" + c.kind()).toList();
    for (ProviderSchema schema : ProviderSchema.values()) {
      for (CredentialKind kind : schema.credentialKinds()) {
        assertThat(covered)
            .as("a test case for %s x %s", schema, kind)
            .contains(schema + "/" + kind);
      }
    }
  }
}
