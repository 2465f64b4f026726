package dev.aigateway.dataplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded HTTP exchange file (VCR cassette): go-vcr's layout ({@code response.code}, {@code
 * response.body}) and vcrpy's ({@code response.status.code}, {@code response.body.string}).
 */
public record Cassette(Path file, List<Interaction> interactions) {

  /** The OpenAI recordings under the fixtures folder Maven passes ({@code gateway.fixtures}). */
  public static final Path OPENAI_RECORDINGS =
      Path.of(System.getProperty("gateway.fixtures", "../../shared/fixtures"), "openai-recordings");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One request/response pair; header names are lower-case, each with its first value. */
  public record Interaction(Request request, Response response) {}

  public record Request(String method, URI url, Map<String, String> headers, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  public static Cassette openAi(String name) {
    return read(OPENAI_RECORDINGS.resolve(name));
  }

  public Interaction first() {
    return interactions.getFirst();
  }

  public static Cassette read(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Interaction> interactions = new ArrayList<>();
    for (JsonNode i : root.path("interactions")) {
      JsonNode rq = i.path("request");
      JsonNode rs = i.path("response");
      int status =
          rs.has("code") ? rs.path("code").asInt() : rs.path("status").path("code").asInt();
      interactions.add(
          new Interaction(
              new Request(
                  rq.path("method").asText(),
                  URI.create(rq.path("url").asText() + query(rq.path("form"))),
                  headers(rq.path("headers")),
                  body(rq.path("body"))),
              new Response(status, headers(rs.path("headers")), body(rs.path("body")))));
    }
    return new Cassette(file, List.copyOf(interactions));
  }

  private static String query(JsonNode form) {
    if (!form.isObject() || form.isEmpty()) {
      return "";
    }
    StringBuilder q = new StringBuilder("?");
    form.properties()
        .forEach(
            e ->
                q.append(e.getKey()).append('=').append(e.getValue().path(0).asText()).append('&'));
    return q.substring(0, q.length() - 1);
  }

  private static Map<String, String> headers(JsonNode headers) {
    Map<String, String> map = new LinkedHashMap<>();
    headers
        .properties()
        .forEach(
            e -> {
              JsonNode v = e.getValue();
              map.put(
                  e.getKey().toLowerCase(java.util.Locale.ROOT),
                  v.isArray() ? v.path(0).asText() : v.asText());
            });
    return map;
  }

  private static byte[] body(JsonNode body) {
    if (body.isObject()) {
      body = body.path("string");
    }
    if (body.isBinary()) {
      try {
        return body.binaryValue();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (body.isMissingNode() || body.isNull()) {
      return new byte[0];
    }
    String text = body.asText();
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
