package dev.aigateway.dataplane.translate.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.anthropic.AnthropicSupport;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic Messages API in, Anthropic Messages API out: the body passes with only {@code model}
 * replaced, the response (buffered or streamed) passes unchanged and only its usage is read.
 */
public final class MessagesNativeTranslator implements Translator {
  private final Endpoint endpoint;
  private @Nullable AnthropicStreamUsage stream;

  /** For {@link Endpoint#MESSAGES} or {@link Endpoint#MESSAGES_COUNT_TOKENS}. */
  public MessagesNativeTranslator(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  public MessagesNativeTranslator() {
    this(Endpoint.MESSAGES);
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    if (!endpoint.countsTokens()) {
      MessagesRequests.maxTokens(body); // count_tokens takes no max_tokens
    }
    MessagesRequests.messages(body);
    body.put("model", context.upstreamModel());
    Map<String, String> headers = new LinkedHashMap<>(AnthropicSupport.headers(context.provider()));
    // The client's API version and beta flags describe the body it wrote, so they win.
    for (String name : new String[] {"anthropic-version", "anthropic-beta"}) {
      String value = context.clientHeaders().get(name);
      if (value != null && !value.isBlank()) {
        headers.put(name, value);
      }
    }
    try {
      return new UpstreamRequest(
          AnthropicSupport.messagesPath(context.provider())
              + (endpoint.countsTokens() ? "/count_tokens" : ""),
          Json.MAPPER.writeValueAsBytes(body),
          headers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("re-serializing a parsed body failed", e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    if (status >= 200 && status < 300 && contentType.startsWith("text/event-stream")) {
      stream = new AnthropicStreamUsage();
      return true;
    }
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    AnthropicStreamUsage s = stream;
    if (s != null) {
      s.feed(body, endOfStream);
      return new BodyResult(null, endOfStream ? s.usage() : null);
    }
    if (endpoint.countsTokens()) {
      return BodyResult.UNCHANGED; // counting is free: nothing to meter
    }
    try {
      JsonNode usage = Json.MAPPER.readTree(body).path("usage");
      return new BodyResult(
          null, usage.isObject() ? AnthropicSupport.usage(usage).toTokenUsage() : null);
    } catch (IOException e) {
      return BodyResult.UNCHANGED;
    }
  }

  /** Anthropic's own errors pass unchanged; anything else gets Anthropic's shape. */
  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    if (contentType.startsWith("application/json")) {
      try {
        JsonNode node = Json.MAPPER.readTree(body);
        if (node != null && "error".equals(node.path("type").asText()) && node.has("error")) {
          return null;
        }
      } catch (IOException e) {
        // not JSON after all: wrapped below
      }
    }
    // The body may echo request content, so only the status is named.
    return ErrorShape.anthropicBody(
        ErrorShape.anthropicType(status),
        "The upstream provider answered with HTTP " + status + ".");
  }
}
