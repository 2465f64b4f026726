package dev.aigateway.dataplane.credential.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.credential.gcp.GcpAccessTokens;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UpstreamAuthTest {
  private final UpstreamAuth auth =
      new UpstreamAuth(
          new AwsSigV4Signer(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC)),
          new GcpAccessTokens());

  private static ProviderConfig provider(
      ProviderSchema schema, String baseUrl, Map<String, String> settings) {
    return new ProviderConfig(
        UUID.randomUUID(),
        "p",
        schema,
        schema.wireName(),
        baseUrl,
        ProviderConfig.pathPrefixOf(baseUrl),
        settings,
        List.of());
  }

  private static UpstreamCredential credential(String kind, Map<String, String> secrets) {
    return new UpstreamCredential(UUID.randomUUID(), kind, "hint", secrets);
  }

  @Test
  void apiKeySchemasUseTheirOwnHeaders() throws Exception {
    UpstreamRequest request = new UpstreamRequest("/v1/messages", new byte[0], Map.of());
    UpstreamCredential key = credential("api_key", Map.of("api_key", "k-123"));
    assertThat(
            auth.headers(
                provider(ProviderSchema.ANTHROPIC, "https://api.anthropic.com", Map.of()),
                key,
                request))
        .containsExactlyEntriesOf(Map.of("x-api-key", "k-123"));
    assertThat(
            auth.headers(
                provider(
                    ProviderSchema.GEMINI, "https://generativelanguage.googleapis.com", Map.of()),
                key,
                request))
        .containsExactlyEntriesOf(Map.of("x-goog-api-key", "k-123"));
  }

  @Test
  void bedrockRequestIsSignedOverTheFinalBodyWithTheSessionToken() throws Exception {
    byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    UpstreamRequest request =
        new UpstreamRequest(
            "/model/m%3A0/converse", body, Map.of("content-type", "application/json"));
    Map<String, String> headers =
        auth.headers(
            provider(
                ProviderSchema.AWS_BEDROCK,
                "https://bedrock-runtime.eu-west-1.amazonaws.com",
                Map.of("region", "eu-west-1")),
            credential(
                "aws",
                Map.of(
                    "access_key_id",
                    "AKIDEXAMPLE",
                    "secret_access_key",
                    "s3cr3t",
                    "session_token",
                    "tok")),
            request);

    assertThat(headers.get("x-amz-content-sha256"))
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    assertThat(headers)
        .containsEntry("x-amz-date", "20260102T030405Z")
        .containsEntry("x-amz-security-token", "tok");
    assertThat(headers.get("authorization"))
        .startsWith(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/bedrock/aws4_request,")
        .contains(
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,");
  }

  @Test
  void missingSecretFieldIsAnErrorThatNamesTheFieldNotTheSecret() {
    assertThatThrownBy(
            () ->
                auth.headers(
                    provider(
                        ProviderSchema.AWS_BEDROCK,
                        "https://bedrock-runtime.us-east-1.amazonaws.com",
                        Map.of("region", "us-east-1")),
                    credential("aws", Map.of("access_key_id", "AKID")),
                    new UpstreamRequest("/x", new byte[0], Map.of())))
        .isInstanceOf(UpstreamAuth.AuthException.class)
        .hasMessageContaining("secret_access_key");
  }
}
