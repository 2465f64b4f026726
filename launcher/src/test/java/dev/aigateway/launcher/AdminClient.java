package dev.aigateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A small client of the admin REST API for end-to-end tests. */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String token;

  AdminClient(int adminPort, String token) {
    this.base = "http://127.0.0.1:" + adminPort + "/api/v1";
    this.token = token;
  }

  record Response(int status, JsonNode body) {}

  JsonNode create(String path, Object body) throws Exception {
    Response response = send("POST", path, body);
    if (response.status() != 201 && response.status() != 200) {
      throw new IllegalStateException(
          "POST " + path + " -> " + response.status() + " " + response.body());
    }
    return response.body();
  }

  /** An {@code openai_compatible} provider with one API key, {@code baseUrl} in the SDK's form. */
  JsonNode createOpenAiCompatible(String name, String baseUrl, String apiKey) throws Exception {
    return create(
        "/providers",
        Map.of(
            "name",
            name,
            "schema",
            "openai_compatible",
            "base_url",
            baseUrl,
            "credentials",
            List.of(Map.of("kind", "api_key", "api_key", apiKey))));
  }

  /**
   * A key of {@code team} for every model; the answer carries its {@code id} and secret {@code
   * key}.
   */
  JsonNode createKey(String name, String team) throws Exception {
    return create("/keys", Map.of("name", name, "team", team, "allowed_models", List.of()));
  }

  JsonNode get(String path) throws Exception {
    Response response = send("GET", path, null);
    if (response.status() != 200) {
      throw new IllegalStateException(
          "GET " + path + " -> " + response.status() + " " + response.body());
    }
    return response.body();
  }

  Response send(String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("authorization", "Bearer " + token)
            .header("content-type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(
                body instanceof String s ? s : JSON.writeValueAsString(body)));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String text = response.body();
    return new Response(
        response.statusCode(), text == null || text.isBlank() ? JSON.nullNode() : parse(text));
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }
}
