package dev.aigateway.dataplane.telemetry;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.Endpoint;
import io.opentelemetry.api.common.AttributeKey;

/**
 * The OpenTelemetry GenAI semantic-convention attributes the gateway sets
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/).
 */
final class GenAi {
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");

  /** The attribute's name before semantic conventions 1.37, still read by many back ends. */
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<Long> REQUEST_MAX_TOKENS =
      AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Double> REQUEST_TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
  static final AttributeKey<Double> REQUEST_FREQUENCY_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
  static final AttributeKey<Double> REQUEST_PRESENCE_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.presence_penalty");
  static final AttributeKey<Long> REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");

  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> USAGE_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> USAGE_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");

  /** Only with content capture on. */
  static final AttributeKey<String> INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");

  static final AttributeKey<String> OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");

  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  /** The gateway's own: which configured provider, and which attempt of the request. */
  static final AttributeKey<String> GATEWAY_PROVIDER = AttributeKey.stringKey("gateway.provider");

  static final AttributeKey<Long> GATEWAY_ATTEMPT = AttributeKey.longKey("gateway.attempt");

  private GenAi() {}

  static String operation(Endpoint endpoint) {
    return switch (endpoint) {
      case CHAT_COMPLETIONS, MESSAGES, RESPONSES -> "chat";
      case COMPLETIONS -> "text_completion";
      case EMBEDDINGS -> "embeddings";
      // Not a convention's operation: nothing is generated, the provider only counts.
      case RESPONSES_INPUT_TOKENS, MESSAGES_COUNT_TOKENS -> "count_tokens";
    };
  }

  /** The semantic conventions' well-known {@code gen_ai.provider.name} values. */
  static String providerName(ProviderConfig provider) {
    if (provider.schema() == null) {
      return provider.schemaName();
    }
    return switch (provider.schema()) {
      case OPENAI -> "openai";
      // A server the conventions cannot know (vLLM, Ollama, Groq, ...): the operator's name.
      case OPENAI_COMPATIBLE -> provider.name();
      case AZURE_OPENAI -> "azure.ai.openai";
      case ANTHROPIC -> "anthropic";
      case AWS_BEDROCK -> "aws.bedrock";
      case GEMINI -> "gcp.gemini";
      case GCP_VERTEX -> "gcp.vertex_ai";
    };
  }

  /** {@code gen_ai.system} as conventions before 1.37 named it (Azure differed). */
  static String system(ProviderConfig provider) {
    String name = providerName(provider);
    return name.equals("azure.ai.openai") ? "az.ai.openai" : name;
  }
}
