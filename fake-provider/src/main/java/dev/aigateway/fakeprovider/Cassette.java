package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recorded HTTP exchange file: go-vcr's layout (the openai-recordings fixtures) or vcrpy's
 * ({@code response.status.code}, {@code response.body.string}, a {@code !!binary} body for
 * Bedrock's event streams, pydantic-ai's {@code parsed_body}).
 */
public record Cassette(List<Interaction> interactions) {

  /** One recorded request and its response; the body as recorded, bytes and all. */
  public record Interaction(
      String method,
      String path,
      String requestBody,
      int status,
      Map<String, String> responseHeaders,
      byte[] responseBytes) {

    /** The response body as UTF-8 text. */
    public String responseBody() {
      return new String(responseBytes, StandardCharsets.UTF_8);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public Cassette {
    interactions = List.copyOf(interactions);
  }

  /** Reads a go-vcr v2 or vcrpy cassette. */
  public static Cassette read(Path file) throws IOException {
    JsonNode root = YAML.readTree(file.toFile());
    List<Interaction> interactions = new ArrayList<>();
    for (JsonNode interaction : root.path("interactions")) {
      JsonNode request = interaction.path("request");
      JsonNode response = interaction.path("response");
      URI url = URI.create(request.has("uri") ? request.path("uri").asText() : url(request));
      String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
      Map<String, String> headers = new LinkedHashMap<>();
      response
          .path("headers")
          .properties()
          .forEach(
              header -> {
                JsonNode values = header.getValue();
                headers.put(
                    header.getKey().toLowerCase(Locale.ROOT),
                    values.isArray() && !values.isEmpty()
                        ? values.get(0).asText()
                        : values.asText());
              });
      JsonNode status = response.path("status");
      interactions.add(
          new Interaction(
              request.path("method").asText("POST"),
              path,
              text(request.path("body")),
              status.isObject() ? status.path("code").asInt(200) : response.path("code").asInt(200),
              headers,
              body(response)));
    }
    return new Cassette(interactions);
  }

  private static String url(JsonNode request) {
    return request.path("url").asText();
  }

  private static byte[] body(JsonNode response) throws IOException {
    if (response.has("parsed_body")) {
      return new ObjectMapper().writeValueAsBytes(response.get("parsed_body"));
    }
    JsonNode body = response.path("body");
    JsonNode value = body.isObject() ? body.path("string") : body;
    if (value.isBinary()) {
      return value.binaryValue();
    }
    return value.asText("").getBytes(StandardCharsets.UTF_8);
  }

  private static String text(JsonNode body) {
    JsonNode value = body.isObject() ? body.path("string") : body;
    return value.isTextual() ? value.asText() : value.toString();
  }
}
