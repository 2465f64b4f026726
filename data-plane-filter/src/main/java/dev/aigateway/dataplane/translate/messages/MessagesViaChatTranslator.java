package dev.aigateway.dataplane.translate.messages;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic Messages API in, any provider out, through the chat completions translator of the
 * target's schema: the request becomes an OpenAI chat request that {@code chat} translates further
 * (unchanged for OpenAI-style targets, to Converse or generateContent for Bedrock and Gemini), and
 * whatever OpenAI-shaped answer {@code chat} returns becomes Anthropic's message, event stream or
 * error.
 */
public final class MessagesViaChatTranslator implements Translator {
  private final Translator chat;
  private String model = "";
  private @Nullable ChatToMessageStream stream;

  /** {@code chat} is a new chat completions translator for the same request. */
  public MessagesViaChatTranslator(Translator chat) {
    this.chat = requireNonNull(chat, "chat");
  }

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    ProviderSchema schema = requireNonNull(context.provider().schema(), "schema");
    ObjectNode chatRequest = MessagesToChat.convert(body, schema);
    model = context.upstreamModel();
    try {
      return chat.request(chatRequest, context);
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
    byte[] chatBytes = openAi.body() == null ? body : openAi.body();
    ChatToMessageStream s = stream;
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
