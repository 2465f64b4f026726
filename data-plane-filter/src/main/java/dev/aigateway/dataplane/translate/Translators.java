package dev.aigateway.dataplane.translate;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.messages.MessagesNativeTranslator;
import dev.aigateway.dataplane.translate.messages.MessagesViaChatTranslator;
import dev.aigateway.dataplane.translate.responses.ResponsesPassThroughTranslator;
import dev.aigateway.dataplane.translate.responses.ResponsesViaChatTranslator;
import org.jspecify.annotations.Nullable;

/** The one place that maps a provider schema and endpoint to its translator. */
public final class Translators {
  private Translators() {}

  /**
   * A new translator for one request to {@code provider}, or null when this build cannot serve the
   * schema yet (for the token-count endpoints: when the provider cannot count, and the gateway
   * answers with its own estimate).
   */
  public static @Nullable Translator create(ProviderConfig provider, Endpoint endpoint) {
    ProviderSchema schema = provider.schema();
    if (schema == null) {
      return null;
    }
    return switch (endpoint) {
      case RESPONSES ->
          servesResponses(provider)
              ? new ResponsesPassThroughTranslator(endpoint)
              : via(create(schema, Endpoint.CHAT_COMPLETIONS));
      case RESPONSES_INPUT_TOKENS ->
          servesResponses(provider) ? new ResponsesPassThroughTranslator(endpoint) : null;
      case MESSAGES_COUNT_TOKENS ->
          schema == ProviderSchema.ANTHROPIC ? new MessagesNativeTranslator(endpoint) : null;
      default -> create(schema, endpoint);
    };
  }

  /**
   * Whether the provider serves OpenAI's Responses API itself: OpenAI and Azure OpenAI do, an
   * OpenAI-compatible server when its {@code responses_api} setting says so.
   */
  public static boolean servesResponses(ProviderConfig provider) {
    ProviderSchema schema = provider.schema();
    return schema == ProviderSchema.OPENAI
        || schema == ProviderSchema.AZURE_OPENAI
        || (schema == ProviderSchema.OPENAI_COMPATIBLE
            && provider.setting("responses_api", "false").equals("true"));
  }

  private static @Nullable Translator via(@Nullable Translator chat) {
    return chat == null ? null : new ResponsesViaChatTranslator(chat);
  }

  /** A new translator for one request, or null when this build cannot serve the schema yet. */
  public static @Nullable Translator create(ProviderSchema schema, Endpoint endpoint) {
    return switch (endpoint) {
      case MESSAGES -> {
        if (schema == ProviderSchema.ANTHROPIC) {
          yield new MessagesNativeTranslator(endpoint);
        }
        Translator chat = create(schema, Endpoint.CHAT_COMPLETIONS);
        yield chat == null
            ? null
            : new MessagesViaChatTranslator(() -> create(schema, Endpoint.CHAT_COMPLETIONS));
      }
      // Schema alone cannot tell whether an OpenAI-compatible server serves these.
      case RESPONSES -> {
        if (schema == ProviderSchema.OPENAI || schema == ProviderSchema.AZURE_OPENAI) {
          yield new ResponsesPassThroughTranslator(endpoint);
        }
        yield via(create(schema, Endpoint.CHAT_COMPLETIONS));
      }
      case RESPONSES_INPUT_TOKENS ->
          schema == ProviderSchema.OPENAI || schema == ProviderSchema.AZURE_OPENAI
              ? new ResponsesPassThroughTranslator(endpoint)
              : null;
      case MESSAGES_COUNT_TOKENS ->
          schema == ProviderSchema.ANTHROPIC ? new MessagesNativeTranslator(endpoint) : null;
      case CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS -> chatFamily(schema, endpoint);
    };
  }

  private static @Nullable Translator chatFamily(ProviderSchema schema, Endpoint endpoint) {
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
            default -> null;
          };
      case GEMINI, GCP_VERTEX ->
          switch (endpoint) {
            case CHAT_COMPLETIONS ->
                new dev.aigateway.dataplane.translate.gemini.OpenAiGeminiTranslator(schema);
            case EMBEDDINGS ->
                new dev.aigateway.dataplane.translate.gemini.OpenAiGeminiEmbeddingsTranslator(
                    schema);
            default -> null;
          };
    };
  }
}
