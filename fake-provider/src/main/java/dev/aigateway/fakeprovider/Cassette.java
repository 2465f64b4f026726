package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A recorded HTTP exchange file in go-vcr's layout (the openai-recordings fixtures). */
public record Cassette(List<Interaction> interactions) {

  /** One recorded request and its response. */
  public record Interaction(
      String method,
      String path,
      String requestBody,
      int status,
      Map<String, String> responseHeaders,
      String responseBody) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public Cassette {
    interactions = List.copyOf(interactions);
  }

  /** Reads a go-vcr v2 cassette. */
  public static Cassette read(Path file) throws IOException {
    JsonNode root = YAML.readTree(file.toFile());
    List<Interaction> interactions = new ArrayList<>();
    for (JsonNode interaction : root.path("interactions")) {
      JsonNode request = interaction.path("request");
      JsonNode response = interaction.path("response");
      URI url = URI.create(request.path("url").asText());
      String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
      Map<String, String> headers = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = response.path("headers").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> header = it.next();
        JsonNode values = header.getValue();
        headers.put(
            header.getKey().toLowerCase(java.util.Locale.ROOT),
            values.isArray() && !values.isEmpty() ? values.get(0).asText() : values.asText());
      }
      interactions.add(
          new Interaction(
              request.path("method").asText("POST"),
              path,
              request.path("body").asText(""),
              response.path("code").asInt(200),
              headers,
              response.path("body").asText("")));
    }
    return new Cassette(interactions);
  }
}
