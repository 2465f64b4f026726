package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.config.ProviderSchema;
import org.jspecify.annotations.Nullable;

/** The one place that maps a provider schema and endpoint to its translator. */
public final class Translators {
  private Translators() {}

  /** A new translator for one request, or null when this build cannot serve the schema yet. */
  public static @Nullable Translator create(ProviderSchema schema, Endpoint endpoint) {
    return switch (schema) {
      case OPENAI, OPENAI_COMPATIBLE, AZURE_OPENAI -> new OpenAiTranslator(endpoint);
      // UNFINISHED (multi-provider issue): embeddings for Bedrock, Gemini and Vertex.
      case ANTHROPIC ->
          endpoint == Endpoint.CHAT_COMPLETIONS
              ? new dev.aigateway.dataplane.translate.anthropic.OpenAiAnthropicTranslator()
              : null;
      case AWS_BEDROCK ->
          endpoint == Endpoint.CHAT_COMPLETIONS
              ? new dev.aigateway.dataplane.translate.bedrock.OpenAiBedrockTranslator()
              : null;
      case GEMINI, GCP_VERTEX ->
          endpoint == Endpoint.CHAT_COMPLETIONS
              ? new dev.aigateway.dataplane.translate.gemini.OpenAiGeminiTranslator(schema)
              : null;
    };
  }
}
