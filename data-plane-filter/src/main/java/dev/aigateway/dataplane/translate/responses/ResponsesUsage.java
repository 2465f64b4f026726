package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.usage.TokenUsage;

/** Token usage between chat completions' and the Responses API's terms. */
public final class ResponsesUsage {
  private ResponsesUsage() {}

  /** Chat completions usage as a Responses {@code usage} object (the same counts, renamed). */
  static ObjectNode fromChat(JsonNode usage) {
    long input = usage.path("prompt_tokens").asLong(0);
    long output = usage.path("completion_tokens").asLong(0);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("input_tokens", input);
    out.putObject("input_tokens_details")
        .put("cached_tokens", usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
    out.put("output_tokens", output);
    out.putObject("output_tokens_details")
        .put(
            "reasoning_tokens",
            usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
    out.put("total_tokens", usage.path("total_tokens").asLong(input + output));
    return out;
  }

  /**
   * A Responses {@code usage} object as the gateway meters it: {@code input_tokens} include cached
   * ones, {@code output_tokens} include reasoning ones (as in OpenAI's chat completions usage).
   */
  public static TokenUsage toTokens(JsonNode usage) {
    return new TokenUsage(
        usage.path("input_tokens").asLong(0),
        usage.path("output_tokens").asLong(0),
        usage.path("input_tokens_details").path("cached_tokens").asLong(0));
  }
}
