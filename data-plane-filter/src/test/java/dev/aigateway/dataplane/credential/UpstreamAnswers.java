package dev.aigateway.dataplane.credential;

import dev.aigateway.vocabulary.provider.ProviderSchema;

/** A minimal successful chat answer in each schema's own wire shape. */
final class UpstreamAnswers {
  private UpstreamAnswers() {}

  static String chat(ProviderSchema schema) {
    return switch (schema) {
      case OPENAI, OPENAI_COMPATIBLE, AZURE_OPENAI ->
          "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
              + "\"finish_reason\":\"stop\"}],"
              + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
      case ANTHROPIC ->
          "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
              + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
              + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}";
      case AWS_BEDROCK ->
          "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},"
              + "\"stopReason\":\"end_turn\","
              + "\"usage\":{\"inputTokens\":3,\"outputTokens\":1,\"totalTokens\":4}}";
      case GEMINI, GCP_VERTEX ->
          "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"ok\"}]},"
              + "\"finishReason\":\"STOP\"}],"
              + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1,"
              + "\"totalTokenCount\":4}}";
    };
  }
}
