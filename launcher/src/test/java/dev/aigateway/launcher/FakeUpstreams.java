package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.fakeprovider.FakeProvider;
import dev.aigateway.fakeprovider.ServiceAccountKeys;
import java.util.List;
import java.util.Map;

/**
 * One provider per non-OpenAI schema, all pointing at the same fake provider (it answers each
 * schema on that schema's paths) with dummy credentials, and what the fake must receive from the
 * gateway for each: the schema's path and credential headers.
 */
final class FakeUpstreams {
  private FakeUpstreams() {}

  /** A provider of one schema and the public model that targets it. */
  record Upstream(
      String schema,
      String model,
      String upstreamModel,
      Map<String, String> settings,
      Map<String, String> credential) {

    String provider() {
      return "fake-" + schema.replace('_', '-');
    }

    @Override
    public String toString() {
      return schema;
    }

    Map<String, Object> providerBody(FakeProvider fake) {
      return Map.of(
          "name",
          provider(),
          "schema",
          schema,
          // OpenAI-speaking schemas take the OpenAI SDK's form of base URL, with the version.
          "base_url",
          schema.startsWith("openai") ? fake.baseUrl() + "/v1" : fake.baseUrl(),
          "settings",
          settings,
          "credentials",
          List.of(credential));
    }

    Map<String, Object> modelBody() {
      return Map.of(
          "name",
          model,
          "targets",
          List.of(Map.of("provider", provider(), "model", upstreamModel, "weight", 1)));
    }

    /** The request reached the schema's path with the schema's credentials, not the client's. */
    void assertReceivedAsTheProviderExpects(FakeProvider.ReceivedRequest request, boolean stream) {
      Map<String, String> headers = request.headers();
      assertThat(headers.getOrDefault("authorization", "")).doesNotStartWith("Bearer sk-gw-");
      switch (schema) {
        case "anthropic" -> {
          assertThat(request.path()).isEqualTo("/v1/messages");
          assertThat(headers).containsEntry("x-api-key", credential.get("api_key"));
          assertThat(headers).containsEntry("anthropic-version", "2023-06-01");
        }
        case "aws_bedrock" -> {
          assertThat(request.path())
              .isEqualTo(
                  "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/"
                      + (stream ? "converse-stream" : "converse"));
          assertThat(headers.get("authorization"))
              .startsWith("AWS4-HMAC-SHA256 Credential=" + credential.get("access_key_id") + "/")
              .contains("/us-east-1/bedrock/aws4_request");
          assertThat(headers).containsKey("x-amz-date");
          assertThat(headers)
              .containsEntry("x-amz-security-token", credential.get("session_token"));
        }
        case "gemini" -> {
          assertThat(request.path())
              .isEqualTo(
                  "/v1beta/models/gemini-2.5-flash"
                      + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
          assertThat(headers).containsEntry("x-goog-api-key", credential.get("api_key"));
        }
        case "gcp_vertex" -> {
          assertThat(request.path())
              .startsWith(
                  "/v1/projects/fake-project/locations/us-central1/publishers/google/models/"
                      + "gemini-2.5-flash:");
          assertThat(headers.get("authorization")).startsWith("Bearer ya29.fake-");
        }
        default -> throw new IllegalArgumentException(schema);
      }
    }
  }

  static List<Upstream> all(FakeProvider fake) {
    return List.of(
        new Upstream(
            "anthropic",
            "claude-e2e",
            "claude-sonnet-4-5",
            Map.of(),
            Map.of("kind", "api_key", "api_key", "sk-ant-fake-upstream-key-0001")),
        new Upstream(
            "aws_bedrock",
            "bedrock-e2e",
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            Map.of("region", "us-east-1"),
            Map.of(
                "kind", "aws",
                "access_key_id", "AKIAFAKEE2E000000001",
                "secret_access_key", "fake-secret-access-key-for-e2e-tests-only",
                "session_token", "fake-session-token")),
        new Upstream(
            "gemini",
            "gemini-e2e",
            "gemini-2.5-flash",
            Map.of(),
            Map.of("kind", "api_key", "api_key", "fake-gemini-api-key-0001")),
        new Upstream(
            "gcp_vertex",
            "vertex-e2e",
            "gemini-2.5-flash",
            Map.of("project", "fake-project", "location", "us-central1"),
            Map.of(
                "kind",
                "gcp_service_account",
                "service_account_json",
                ServiceAccountKeys.json(fake.baseUrl() + "/token"))));
  }
}
