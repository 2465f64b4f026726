package dev.aigateway.dataplane.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.ExtProcSettings;
import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code aws_default} on EKS (IRSA): the AWS SDK's default chain finds a web identity token file
 * and a role, exchanges the token at STS (a local stand-in) and Bedrock requests are signed with
 * the temporary key it returns. The SDK reads the same settings from {@code
 * AWS_WEB_IDENTITY_TOKEN_FILE}, {@code AWS_ROLE_ARN} and {@code AWS_ENDPOINT_URL_STS}.
 */
@ExtendWith(PostgresExtension.class)
class AwsWebIdentityTest {
  private static final List<String> PROPERTIES =
      List.of(
          "aws.webIdentityTokenFile",
          "aws.roleArn",
          "aws.roleSessionName",
          "aws.region",
          "aws.endpointUrlSts");
  private static CloudStandIns cloud;
  private static CheckingUpstream upstream;
  private static GatewayHarness gateway;
  private static String key;

  @BeforeAll
  static void start(Database db) throws Exception {
    Path dir = Files.createTempDirectory("web-identity");
    cloud = new CloudStandIns(dir);
    upstream = new CheckingUpstream();
    Path token = dir.resolve("token");
    Files.writeString(token, "eyJ.projected.token");
    System.setProperty("aws.webIdentityTokenFile", token.toString());
    System.setProperty("aws.roleArn", "arn:aws:iam::123456789012:role/gateway");
    System.setProperty("aws.roleSessionName", "gateway");
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.endpointUrlSts", cloud.url(""));
    gateway =
        new GatewayHarness(
            db,
            Admission.ADMIT_ALL,
            ExtProcSettings.DEFAULT_MAX_REQUEST_BODY_BYTES,
            new CloudEnvironment(Map.<String, String>of()::get, null, null));
    UUID id =
        gateway.config.provider(
            "bedrock",
            "aws_bedrock",
            upstream.baseUri().toString(),
            "{\"region\":\"us-east-1\"}",
            "aws_default",
            Map.of());
    gateway.route("bedrock", upstream.baseUri());
    gateway.config.model("claude", TestConfig.target(id, "anthropic.claude"));
    key = gateway.config.key("k").secret();
    gateway.awaitConfig();
  }

  @AfterAll
  static void stop() {
    PROPERTIES.forEach(System::clearProperty);
    gateway.close();
    upstream.close();
    cloud.close();
  }

  @Test
  void bedrockRequestIsSignedWithTheKeyStsGaveForTheWebIdentityToken() {
    upstream.expect(
        h ->
            h.getOrDefault("authorization", "")
                    .startsWith("AWS4-HMAC-SHA256 Credential=ASIAWEBIDENTITY/")
                && "sts-session".equals(h.get("x-amz-security-token")),
        UpstreamAnswers.chat(ProviderSchema.AWS_BEDROCK));
    Exchange exchange;
    try (EnvoyLikeClient client = gateway.client()) {
      exchange =
          client.send(
              ClientRequest.postJson(
                  "/v1/chat/completions",
                  key,
                  "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
    }

    assertThat(exchange.status()).as(exchange.bodyText()).isEqualTo(200);
    CloudStandIns.Call sts = cloud.calls.getLast();
    assertThat(sts.form())
        .containsEntry("Action", "AssumeRoleWithWebIdentity")
        .containsEntry("WebIdentityToken", "eyJ.projected.token")
        .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/gateway");
  }
}
