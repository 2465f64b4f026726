package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.ChatResult;
import dev.aigateway.dataplane.translate.chat.ChatUsage;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI chat completions in, Bedrock Converse (buffered) or ConverseStream (event stream) out. The
 * SigV4 signature must be computed over the body this translator returns, so signing happens after
 * translation (see {@code credential.aws.AwsSigV4Signer}).
 */
public final class OpenAiBedrockTranslator implements Translator {
  /** The content type of ConverseStream responses. */
  public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private final Clock clock;
  private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
  private @Nullable JsonToolMode jsonMode;
  private boolean includeUsage;
  private String model = "";
  private @Nullable BedrockStream stream;

  public OpenAiBedrockTranslator() {
    this(Clock.systemUTC());
  }

  public OpenAiBedrockTranslator(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ChatRequest chat = new ChatRequest(body);
    BedrockRequests.Translated translated = BedrockRequests.build(chat);
    jsonMode = translated.jsonMode();
    includeUsage = chat.includeUsage();
    model = context.upstreamModel();
    try {
      return new UpstreamRequest(
          BedrockSupport.conversePath(context.provider(), context.upstreamModel(), chat.stream()),
          Json.MAPPER.writeValueAsBytes(translated.body()),
          Map.of("content-type", "application/json"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith(EVENT_STREAM)) {
      stream =
          new BedrockStream(includeUsage, jsonMode, id, model, clock.instant().getEpochSecond());
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    BedrockStream s = stream;
    if (s != null) {
      byte[] out = s.feed(body, endOfStream);
      ChatUsage usage = endOfStream ? s.usage() : null;
      return new BodyResult(
          out == null ? new byte[0] : out, usage == null ? null : usage.toTokenUsage());
    }
    JsonNode response;
    try {
      response = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return new BodyResult(
          GatewayError.badGateway("The upstream provider answered with malformed JSON.").body(),
          null);
    }
    ChatResult result =
        BedrockResponses.toChat(response, jsonMode, id, model, clock.instant().getEpochSecond());
    return new BodyResult(result.toJson(), result.usage().toTokenUsage());
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return BedrockSupport.errorBody(status, body);
  }
}
