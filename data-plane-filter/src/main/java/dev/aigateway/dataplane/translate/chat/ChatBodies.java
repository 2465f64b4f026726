package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** The response-body steps every non-OpenAI chat translator shares. */
public final class ChatBodies {
  private ChatBodies() {}

  /**
   * One translated stream chunk; an empty replacement (not null) keeps the provider's own bytes
   * from reaching the client. Usage is reported with the last chunk.
   */
  public static BodyResult streamed(
      byte @Nullable [] out, boolean endOfStream, @Nullable ChatUsage finalUsage) {
    ChatUsage usage = endOfStream ? finalUsage : null;
    return new BodyResult(
        out == null ? new byte[0] : out, usage == null ? null : usage.toTokenUsage());
  }

  /**
   * A buffered provider answer turned into an OpenAI chat completion, or a 502 error (status
   * included, see {@link BodyResult#failed}) when the 2xx body is not JSON of the provider's answer
   * shape.
   */
  public static BodyResult buffered(
      byte[] body, Predicate<JsonNode> isAnswer, Function<JsonNode, ChatResult> toChat) {
    JsonNode response;
    try {
      response = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return BodyResult.failed(
          GatewayError.badGateway("The upstream provider answered with malformed JSON."));
    }
    if (response == null || !response.isObject() || !isAnswer.test(response)) {
      return BodyResult.failed(
          GatewayError.badGateway("The upstream provider answered with an unexpected body."));
    }
    ChatResult result = toChat.apply(response);
    return new BodyResult(result.toJson(), result.usage().toTokenUsage());
  }
}
