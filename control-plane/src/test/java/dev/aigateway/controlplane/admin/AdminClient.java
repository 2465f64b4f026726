package dev.aigateway.controlplane.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A real HTTP client for the admin API that records every response in the {@link Transcript}. */
public final class AdminClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final @Nullable String token;

  /** One response. */
  public record Response(long id, int status, String contentType, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public AdminClient(int port, @Nullable String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  public AdminClient withToken(@Nullable String other) {
    return new AdminClient(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), other);
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response post(String path, @Nullable String json) {
    return send("POST", path, json, null);
  }

  public Response patch(String path, String json) {
    return send("PATCH", path, json, null);
  }

  public Response patch(String path, String json, String ifMatch) {
    return send("PATCH", path, json, ifMatch);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Response send(
      String method, String path, @Nullable String json, @Nullable String ifMatch) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      long id = Transcript.response(method + " " + path, response.statusCode(), response.body());
      return new Response(
          id,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
