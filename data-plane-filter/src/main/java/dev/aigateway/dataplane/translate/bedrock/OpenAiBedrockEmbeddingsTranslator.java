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
import dev.aigateway.dataplane.translate.chat.EmbeddingsRequest;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI embeddings in, Bedrock InvokeModel with Amazon Titan Text Embeddings out ({@code
 * {"inputText","dimensions"}} to {@code {"embedding","inputTextTokenCount"}}, per the Bedrock
 * model-parameters reference). Titan embeds one text per call, so a batch is a 400.
 *
 * <p>UNFINISHED: Cohere Embed on Bedrock (a different body, and usage only in response headers,
 * which the translator interface does not see).
 */
public final class OpenAiBedrockEmbeddingsTranslator implements Translator {
  private @Nullable EmbeddingsRequest request;
  private String model = "";

  @Override
  public UpstreamRequest request(ObjectNode body, RequestContext context) {
    EmbeddingsRequest parsed = EmbeddingsRequest.parse(body, "aws_bedrock");
    if (parsed.inputs().size() != 1) {
      throw ChatRequest.unsupported(
          "input", "Titan embedding models on aws_bedrock embed one input per request.");
    }
    request = parsed;
    model = context.upstreamModel();
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("inputText", parsed.inputs().getFirst());
    if (parsed.dimensions() != null) {
      out.put("dimensions", parsed.dimensions());
    }
    try {
      return new UpstreamRequest(
          context.provider().pathPrefix()
              + "/model/"
              + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
              + "/invoke",
          Json.MAPPER.writeValueAsBytes(out),
          Map.of("content-type", "application/json", "accept", "application/json"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean startResponse(int status, String contentType) {
    return false;
  }

  @Override
  public BodyResult responseBody(byte[] body, boolean endOfStream) {
    EmbeddingsRequest r = request;
    JsonNode response;
    try {
      response = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      response = null;
    }
    if (r == null || response == null || !response.path("embedding").isArray()) {
      return new BodyResult(
          GatewayError.badGateway("The upstream provider answered with an unexpected body.").body(),
          null);
    }
    long tokens = response.path("inputTextTokenCount").asLong(0);
    return new BodyResult(
        r.response(List.of(response.get("embedding")), model, tokens),
        new TokenUsage(tokens, 0, 0));
  }

  @Override
  public byte @Nullable [] responseError(int status, String contentType, byte[] body) {
    return BedrockSupport.errorBody(status, body);
  }
}
