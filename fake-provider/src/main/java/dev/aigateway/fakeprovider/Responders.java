package dev.aigateway.fakeprovider;

/**
 * Which schema's responder answers a path. Base URLs may carry a path prefix, so paths are matched
 * by the schema's own suffix or segment (docs/contracts.md lists each schema's paths).
 */
final class Responders {
  private final OpenAiResponder openAi = new OpenAiResponder();
  private final AnthropicResponder anthropic = new AnthropicResponder();
  private final BedrockResponder bedrock = new BedrockResponder();

  Responder forPath(String rawPath) {
    if (rawPath.endsWith("/v1/messages")) {
      return anthropic;
    }
    if (rawPath.contains("/model/")) {
      return bedrock;
    }
    return openAi;
  }
}
