package dev.aigateway.dataplane.translate.messages;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic Messages API in, any provider out, through the chat completions translator of the
 * target's schema: the request becomes an OpenAI chat request that {@code chat} translates further
 * (unchanged for OpenAI-style targets, to Converse or generateContent for Bedrock and Gemini), and
 * whatever OpenAI-shaped answer {@code chat} returns becomes Anthropic's message, event stream or
 * error.
 */
public final class MessagesViaChatTranslator implements Translator {
  private final Supplier<Translator> chats;
  private Translator chat;
  private String model = "";
  private @Nullable ChatToMessageStream stream;

  /** {@code chats} makes new chat completions translators of the target's schema. */
  public MessagesViaChatTranslator(Supplier<Translator> chats) {
    this.chats = requireNonNull(chats, "chats");
    this.chat = requireNonNull(chats.get(), "chat");
  }

  /**
   * Extended thinking is optional: when the target cannot think with this request (a Bedrock model
   * that is not Claude, Claude's constraints on temperature or tool_choice while thinking), the
   * request is served without it, by a fresh chat translator, rather than refused.
   */
  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ProviderSchema schema = requireNonNull(context.provider().schema(), "schema");
    ObjectNode chatRequest = MessagesToChat.convert(body, schema);
    model = context.upstreamModel();
    boolean thinks = chatRequest.has("reasoning_effort");
    try {
      return chat.request(chatRequest, context);
    } catch (TranslationException e) {
      if (!thinks) {
        throw MessagesToChat.renamed(e);
      }
    }
    ObjectNode withoutThinking = MessagesToChat.convert(body, schema);
    withoutThinking.remove("reasoning_effort");
    chat = requireNonNull(chats.get(), "chat");
    try {
      return chat.request(withoutThinking, context);
    } catch (TranslationException e) {
      throw MessagesToChat.renamed(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    boolean streamed = chat.startResponse(status, contentType);
    if (streamed) {
      stream = new ChatToMessageStream(model);
    }
    return streamed;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    BodyResult openAi = chat.responseBody(body, endOfStream);
    ChatToMessageStream s = stream;
    if (s == null && openAi.error() != null) {
      // A 2xx that is no answer: the error keeps its status (the processor answers it in
      // Anthropic's shape) instead of becoming a 200 with an error body.
      return openAi;
    }
    byte[] chatBytes = openAi.body() == null ? body : openAi.body();
    byte[] out =
        s != null ? s.feed(chatBytes, endOfStream) : ChatToMessage.convert(chatBytes, model);
    return new BodyResult(out, openAi.usage());
  }

  @Override
  public byte[] responseError(int status, String contentType, byte[] body) {
    byte[] openAi = chat.responseError(status, contentType, body);
    if (openAi == null && !contentType.startsWith("application/json")) {
      // chat passed a non-JSON body: it may echo request content, so only the status is named
      openAi = new byte[0];
    }
    return MessagesErrors.fromOpenAi(status, openAi == null ? body : openAi);
  }
}
