package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.translate.messages.MessagesNativeTranslator;
import dev.aigateway.dataplane.translate.messages.MessagesViaChatTranslator;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import org.jspecify.annotations.Nullable;

/** The one place that maps a provider schema and endpoint to its translator. */
public final class Translators {
  private Translators() {}

  /** A new translator for one request, or null when this build cannot serve the schema yet. */
  public static @Nullable Translator create(ProviderSchema schema, Endpoint endpoint) {
    if (endpoint == Endpoint.MESSAGES) {
      if (schema == ProviderSchema.ANTHROPIC) {
        return new MessagesNativeTranslator();
      }
      Translator chat = create(schema, Endpoint.CHAT_COMPLETIONS);
      return chat == null ? null : new MessagesViaChatTranslator(chat);
    }
    return switch (schema) {
      case OPENAI, OPENAI_COMPATIBLE, AZURE_OPENAI -> new OpenAiTranslator(endpoint);
      case ANTHROPIC ->
          endpoint == Endpoint.CHAT_COMPLETIONS
              ? new dev.aigateway.dataplane.translate.anthropic.OpenAiAnthropicTranslator()
              : null; // Anthropic has no embeddings or legacy completions API
      // UNFINISHED (multi-provider issue): legacy completions for these schemas.
      case AWS_BEDROCK ->
          switch (endpoint) {
            case CHAT_COMPLETIONS ->
                new dev.aigateway.dataplane.translate.bedrock.OpenAiBedrockTranslator();
            case EMBEDDINGS ->
                new dev.aigateway.dataplane.translate.bedrock.OpenAiBedrockEmbeddingsTranslator();
            case COMPLETIONS, MESSAGES -> null;
          };
      case GEMINI, GCP_VERTEX ->
          switch (endpoint) {
            case CHAT_COMPLETIONS ->
                new dev.aigateway.dataplane.translate.gemini.OpenAiGeminiTranslator(schema);
            case EMBEDDINGS ->
                new dev.aigateway.dataplane.translate.gemini.OpenAiGeminiEmbeddingsTranslator(
                    schema);
            case COMPLETIONS, MESSAGES -> null;
          };
    };
  }
}
