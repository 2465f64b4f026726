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
      // UNFINISHED (multi-provider issue): one translator per endpoint for each of these.
      case ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX -> null;
    };
  }
}
