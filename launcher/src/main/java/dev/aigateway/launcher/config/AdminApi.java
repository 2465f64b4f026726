package dev.aigateway.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The admin REST API of a running gateway, as {@code gateway config} uses it. */
final class AdminApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 500;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  AdminApi(String server, String token) {
    this.base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    this.token = token;
  }

  /** Every item of a list resource, all pages. */
  List<ObjectNode> list(String resource) {
    List<ObjectNode> items = new ArrayList<>();
    for (int offset = 0; ; offset += PAGE) {
      JsonNode page = send("GET", "/" + resource + "?limit=" + PAGE + "&offset=" + offset, null);
      page.path("items").forEach(item -> items.add((ObjectNode) item));
      if (page.path("items").size() < PAGE || items.size() >= page.path("total").asLong()) {
        return items;
      }
    }
  }

  /** The number of audit entries, to tell whether anything was written. */
  long auditTotal() {
    return send("GET", "/audit?limit=1", null).path("total").asLong();
  }

  JsonNode send(String method, String path, @Nullable JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
            .timeout(Duration.ofSeconds(30))
            .header("authorization", "Bearer " + token)
            .header("accept", "application/json");
    if (body != null) {
      request.header("content-type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ConfigException(
          "cannot reach the gateway at " + base + " (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("interrupted");
    }
    JsonNode answer = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      throw new ConfigException(
          method
              + " "
              + path.replaceFirst("\\?.*", "")
              + ": "
              + problem(response.statusCode(), answer));
    }
    return answer;
  }

  /** An RFC 9457 problem in one line, with its field errors. */
  private static String problem(int status, JsonNode problem) {
    StringBuilder text = new StringBuilder("HTTP ").append(status);
    String detail = problem.path("detail").asText(problem.path("title").asText(""));
    if (!detail.isEmpty()) {
      text.append(": ").append(detail);
    }
    for (JsonNode error : problem.path("errors")) {
      text.append("; ")
          .append(error.path("field").asText())
          .append(' ')
          .append(error.path("message").asText());
    }
    if (status == 401) {
      text.append(" (set GATEWAY_ADMIN_TOKEN to an admin token)");
    }
    return text.toString();
  }

  private static JsonNode parse(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }
}
