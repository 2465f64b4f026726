package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.Map;

/** Kind {@code api_key}: the key in the header each schema's API reads. */
record ApiKeyAuth(String apiKey) implements Authenticator {
  ApiKeyAuth {
    requireNonNull(apiKey, "apiKey");
  }

  @Override
  public Map<String, String> headers(ProviderConfig provider, UpstreamRequest request) {
    ProviderSchema schema = requireNonNull(provider.schema(), "schema");
    return switch (schema) {
      // Bedrock API keys are bearer tokens too (Amazon Bedrock "API keys", 2025).
      case OPENAI, OPENAI_COMPATIBLE, AWS_BEDROCK -> Map.of("authorization", "Bearer " + apiKey);
      case AZURE_OPENAI -> Map.of("api-key", apiKey);
      case ANTHROPIC -> Map.of("x-api-key", apiKey);
      // Vertex AI express mode takes the same header as the Gemini API.
      case GEMINI, GCP_VERTEX -> Map.of("x-goog-api-key", apiKey);
    };
  }

  @Override
  public String toString() {
    return "ApiKeyAuth[hidden]";
  }
}
