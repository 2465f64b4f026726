package dev.aigateway.launcher;

import static dev.aigateway.launcher.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.fakeprovider.FakeProvider;
import dev.aigateway.fakeprovider.ServiceAccountKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud-identity credential kinds with nothing pasted: a gateway process whose environment
 * holds AWS keys ({@code AWS_ACCESS_KEY_ID}, read by the AWS SDK's default chain) and {@code
 * GOOGLE_APPLICATION_CREDENTIALS} (a service-account key whose {@code token_uri} is the fake
 * provider), providers created with {@code aws_default} and {@code gcp_default}, and the official
 * OpenAI SDK as the client.
 */
class CloudIdentityEndToEndIT {
  private static final String ADMIN_TOKEN = "e2e-admin-token-cloud-identity-0123456789abcd";
  private static final String PROCESS_KEY_ID = "AKIAPROCESSENV000001";

  @TempDir static Path dataDir;
  static FakeProvider fake;
  static GatewayProcess gateway;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    fake = FakeProvider.start(0, Duration.ZERO);
    Path adc = dataDir.resolve("adc.json");
    Files.writeString(adc, ServiceAccountKeys.json(fake.baseUrl() + "/token"));
    int proxyPort = GatewayProcess.freePort();
    gateway =
        GatewayProcess.startReady(
            dataDir.resolve("gateway"),
            ADMIN_TOKEN,
            proxyPort,
            Map.of(
                "AWS_ACCESS_KEY_ID",
                PROCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY",
                "process-environment-secret",
                // No instance metadata on a build machine: never wait for it.
                "AWS_EC2_METADATA_DISABLED",
                "true",
                "GOOGLE_APPLICATION_CREDENTIALS",
                adc.toString()));
    AdminClient admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
    admin.create(
        "/providers",
        Map.of(
            "name", "bedrock-chain",
            "schema", "aws_bedrock",
            "base_url", fake.baseUrl(),
            "settings", Map.of("region", "us-east-1"),
            "credentials", List.of(Map.of("kind", "aws_default"))));
    admin.create(
        "/providers",
        Map.of(
            "name", "vertex-adc",
            "schema", "gcp_vertex",
            "base_url", fake.baseUrl(),
            "settings", Map.of("project", "fake-project", "location", "us-central1"),
            "credentials", List.of(Map.of("kind", "gcp_default"))));
    admin.create("/models", model("bedrock-chain", "anthropic.claude-3-5-haiku-20241022-v1:0"));
    admin.create("/models", model("vertex-adc", "gemini-2.5-flash"));
    admin.create("/teams", Map.of("name", "cloud"));
    String key = admin.createKey("cloud-key", "cloud").path("key").asText();
    client = Sdk.openAi(proxyPort, key);
    awaitTrue(Duration.ofSeconds(30), () -> answers("bedrock-chain") && answers("vertex-adc"));
  }

  private static Map<String, Object> model(String provider, String upstream) {
    return Map.of(
        "name",
        provider,
        "targets",
        List.of(Map.of("provider", provider, "model", upstream, "weight", 1)));
  }

  private static boolean answers(String model) {
    try {
      return chat(model).choices().getFirst().message().content().isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static ChatCompletion chat(String model) {
    return client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams.builder().model(model).addUserMessage("hello").build());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void bedrockIsSignedWithTheKeyFromTheProcessEnvironment() {
    fake.clearReceived();
    assertThat(chat("bedrock-chain").choices().getFirst().message().content()).isPresent();
    FakeProvider.ReceivedRequest request = fake.received().getLast();
    assertThat(request.headers().get("authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + PROCESS_KEY_ID + "/")
        .contains("/us-east-1/bedrock/aws4_request");
  }

  @Test
  void vertexGetsATokenFromTheKeyFileNamedByGoogleApplicationCredentials() {
    fake.clearReceived();
    int issued = fake.accessTokensIssued();
    assertThat(chat("vertex-adc").choices().getFirst().message().content()).isPresent();
    FakeProvider.ReceivedRequest request = fake.received().getLast();
    assertThat(request.headers().get("authorization")).startsWith("Bearer ya29.fake-");
    assertThat(fake.accessTokensIssued()).as("the token is cached").isEqualTo(issued);
  }
}
