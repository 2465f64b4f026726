package dev.aigateway.dataplane.translate.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.ChainedRequests;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's Responses API in, any target that does not serve it out, through the chat completions
 * translator of the target's schema: the request becomes a chat request that {@code chat}
 * translates further (unchanged for chat-only OpenAI-compatible servers, to Messages, Converse or
 * generateContent for the others), and the OpenAI chat answer it returns becomes a {@code response}
 * or the Responses event stream. Errors are already in OpenAI's shape, which the Responses API
 * shares.
 */
public final class ResponsesViaChatTranslator implements Translator {
  private final Translator chat;
  private String model = "";
  private ResponseEnvelope envelope = ResponseEnvelope.of(requireNonNull(emptyObject()));
  private @Nullable ChatToResponseStream stream;

  /** {@code chat} is a new chat completions translator for the same request. */
  public ResponsesViaChatTranslator(Translator chat) {
    this.chat = requireNonNull(chat, "chat");
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ProviderSchema schema = requireNonNull(context.provider().schema(), "schema");
    ObjectNode chatRequest = ResponsesToChat.convert(body, schema);
    envelope = ResponseEnvelope.of(body);
    model = context.upstreamModel();
    try {
      return chat.request(chatRequest, context);
    } catch (TranslationException e) {
      throw renamed(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    boolean streamed = chat.startResponse(status, contentType);
    if (streamed) {
      stream = new ChatToResponseStream(envelope, model);
    }
    return streamed;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    BodyResult openAi = chat.responseBody(body, endOfStream);
    ChatToResponseStream s = stream;
    if (s == null && openAi.error() != null) {
      return openAi;
    }
    byte[] chatBytes = openAi.body() == null ? body : openAi.body();
    if (s != null) {
      return new BodyResult(s.feed(chatBytes, endOfStream), openAi.usage());
    }
    byte[] response = ChatToResponse.convert(chatBytes, envelope, model);
    if (response == null) {
      return BodyResult.failed(ChatToResponse.notAnAnswer());
    }
    return new BodyResult(response, openAi.usage());
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return chat.responseError(status, contentType, body);
  }

  /** An error of a translator further down, with chat's parameter names in Responses terms. */
  private static TranslationException renamed(TranslationException e) {
    return ChainedRequests.renamed(
        e,
        param ->
            switch (param) {
              case "max_completion_tokens", "max_tokens" -> "max_output_tokens";
              case "reasoning_effort" -> "reasoning.effort";
              case "response_format" -> "text.format";
              case "messages" -> "input";
              default -> null;
            });
  }

  private static ObjectNode emptyObject() {
    return dev.aigateway.dataplane.translate.Json.MAPPER.createObjectNode();
  }
}
