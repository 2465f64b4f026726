package dev.aigateway.fakeprovider;

import java.util.regex.Pattern;

/**
 * Which schema's responder answers a path. Base URLs may carry a path prefix, so paths are matched
 * by the schema's own suffix or segment (docs/contracts.md lists each schema's paths).
 */
final class Responders {
  /** The Gemini API serves {@code models/{model}:method} under v1beta and v1. */
  private static final Pattern GEMINI_METHOD = Pattern.compile(".*/v1(beta)?/models/[^/:]+:\\w+");

  private final OpenAiResponder openAi = new OpenAiResponder();
  private final AnthropicResponder anthropic = new AnthropicResponder();
  private final BedrockResponder bedrock = new BedrockResponder();
  private final GeminiResponder gemini = new GeminiResponder();
  private final OAuthTokenResponder tokens = new OAuthTokenResponder();
  private final VertexResponder vertex = new VertexResponder(tokens);

  Responder forPath(String rawPath) {
    if (rawPath.endsWith("/v1/messages")) {
      return anthropic;
    }
    if (rawPath.contains("/model/")) {
      return bedrock;
    }
    if (rawPath.contains("/publishers/google/models/")) {
      return vertex;
    }
    if (GEMINI_METHOD.matcher(rawPath).matches()) {
      return gemini;
    }
    if (rawPath.endsWith("/token")) {
      return tokens;
    }
    return openAi;
  }

  /** How many OAuth access tokens the token endpoint issued. */
  int tokensIssued() {
    return tokens.issuedCount();
  }
}
