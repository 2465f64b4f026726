package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The gateway's own answer to a token-count request ({@code /v1/messages/count_tokens}, {@code
 * /v1/responses/input_tokens}) for a target that cannot count: the jtokkit estimate of the quota
 * pre-check, in the shape of the API called, marked as an estimate by a header and a field.
 */
final class TokenCounts {
  /** Tells the client the count is the gateway's estimate, not the provider's tokenizer. */
  static final Map<String, String> ESTIMATE_HEADERS = Map.of("x-gateway-token-count", "estimate");

  private TokenCounts() {}

  static byte[] estimateBody(Endpoint endpoint, long tokens) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    if (endpoint == Endpoint.RESPONSES_INPUT_TOKENS) {
      root.put("object", "response.input_tokens");
    }
    root.put("input_tokens", tokens);
    root.put("estimated", true);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
