package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI embeddings request read for non-OpenAI providers (text inputs only), and the OpenAI
 * response written from the vectors a provider returned.
 *
 * @param dimensions the requested dimensions, or null
 * @param base64 whether the client asked for {@code encoding_format: base64}
 */
public record EmbeddingsRequest(List<String> inputs, @Nullable Integer dimensions, boolean base64) {

  private static final Set<String> KNOWN =
      Set.of("model", "input", "dimensions", "encoding_format");

  public static EmbeddingsRequest parse(ObjectNode body, String schema) {
    body.fieldNames()
        .forEachRemaining(
            name -> {
              if (!KNOWN.contains(name) && !body.get(name).isNull()) {
                throw ChatRequest.unsupported(
                    name, "The parameter '" + name + "' is not supported by " + schema + ".");
              }
            });
    JsonNode input = body.get("input");
    List<String> inputs = new ArrayList<>();
    if (input != null && input.isTextual()) {
      inputs.add(input.asText());
    } else if (input != null && input.isArray() && !input.isEmpty()) {
      for (JsonNode item : input) {
        if (!item.isTextual()) {
          throw ChatRequest.unsupported(
              "input", schema + " embeds text; token-array input is not supported.");
        }
        inputs.add(item.asText());
      }
    } else {
      throw ChatRequest.invalid("input", "input must be a string or a non-empty array of strings.");
    }
    JsonNode dims = body.get("dimensions");
    Integer dimensions = null;
    if (dims != null && !dims.isNull()) {
      if (!dims.canConvertToInt() || dims.asInt() < 1) {
        throw ChatRequest.invalid("dimensions", "dimensions must be a positive integer.");
      }
      dimensions = dims.asInt();
    }
    String format = body.path("encoding_format").asText("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw ChatRequest.invalid("encoding_format", "encoding_format must be float or base64.");
    }
    return new EmbeddingsRequest(inputs, dimensions, format.equals("base64"));
  }

  /** OpenAI's embeddings list; base64 is little-endian float32, as OpenAI encodes it. */
  public byte[] response(List<JsonNode> vectors, String model, long promptTokens) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      JsonNode vector = vectors.get(i);
      if (base64) {
        ByteBuffer buffer =
            ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(v -> buffer.putFloat(v.floatValue()));
        item.put("embedding", Base64.getEncoder().encodeToString(buffer.array()));
      } else {
        item.set("embedding", vector);
      }
    }
    root.put("model", model);
    root.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
