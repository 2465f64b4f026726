package dev.aigateway.fakeprovider;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * A local LLM provider for tests and the demo, speaking each provider schema's API on that schema's
 * paths (OpenAI, Azure, Anthropic, Bedrock, Gemini, Vertex AI and a Google OAuth token endpoint;
 * see {@link Responders}). It synthesizes answers, or replays recorded exchanges queued with {@link
 * #replay}, can stream with a delay between chunks, and fails on demand ({@link #failNext} or the
 * request header {@code x-fake-fail: <status>}) in the error shape of the schema the path belongs
 * to. For failover tests, {@link #failModel} makes every request for one upstream model (or under
 * one path prefix) fail in a chosen {@link FailureMode}, while the others are answered as usual.
 */
public final class FakeProvider implements AutoCloseable {

  /** A request as the provider received it; header names are lower-case. */
  public record ReceivedRequest(
      String method, String path, Map<String, String> headers, String body) {

    /** The path without the query. */
    public String rawPath() {
      int query = path.indexOf('?');
      return query < 0 ? path : path.substring(0, query);
    }

    /** The raw query string, empty when there is none. */
    public String query() {
      int query = path.indexOf('?');
      return query < 0 ? "" : path.substring(query + 1);
    }

    /** The body as JSON, or null when it is not JSON. */
    public @Nullable JsonNode json() {
      try {
        return BODY_JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }
  }

  private record Failure(int status, String message) {}

  private static final ObjectMapper BODY_JSON = new ObjectMapper();

  private final HttpServer server;
  private final Responders responders = new Responders();
  private final Deque<Cassette.Interaction> replays = new ConcurrentLinkedDeque<>();
  private final Deque<Failure> failures = new ConcurrentLinkedDeque<>();
  private final Map<String, FailureMode> modelFailures = new ConcurrentHashMap<>();
  private final Map<String, FailureMode> pathFailures = new ConcurrentHashMap<>();
  private final List<ReceivedRequest> received = Collections.synchronizedList(new ArrayList<>());
  private final List<Usage> reportedUsage = Collections.synchronizedList(new ArrayList<>());
  private volatile Duration chunkDelay;
  private volatile Map<String, String> accountHeaders = Map.of();
  private volatile Duration responseDelay = Duration.ZERO;

  private FakeProvider(HttpServer server, Duration chunkDelay) {
    this.server = server;
    this.chunkDelay = chunkDelay;
  }

  /** Starts on {@code 127.0.0.1:port} (0 = any free port). */
  public static FakeProvider start(int port, Duration chunkDelay) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
    FakeProvider provider = new FakeProvider(server, requireNonNull(chunkDelay, "chunkDelay"));
    server.createContext("/", provider::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return provider;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Delay between streamed chunks. */
  public void chunkDelay(Duration delay) {
    this.chunkDelay = requireNonNull(delay, "delay");
  }

  /**
   * Headers a real provider adds about the account behind the key (organization, project, its rate
   * limits, cookies), sent on every reply from now on.
   */
  public void accountHeaders(Map<String, String> headers) {
    accountHeaders = Map.copyOf(headers);
  }

  /**
   * Waits this long after computing an answer (and counting its usage as served) before sending its
   * headers: a slow provider, for clients that hang up before the response starts.
   */
  public void responseDelay(Duration delay) {
    this.responseDelay = requireNonNull(delay, "delay");
  }

  /** The next request is answered with {@code status} in its schema's error shape. */
  public void failNext(int status, String message) {
    failures.add(new Failure(status, requireNonNull(message, "message")));
  }

  /**
   * Every request for {@code upstreamModel} (the body's {@code model}, or a path segment as in
   * Bedrock's {@code /model/{id}/...} and Gemini's {@code models/{id}:...}) fails as {@code mode}
   * until {@link #recover}; null {@code mode} clears the rule.
   */
  public void failModel(String upstreamModel, @Nullable FailureMode mode) {
    if (mode == null) {
      modelFailures.remove(upstreamModel);
    } else {
      modelFailures.put(upstreamModel, mode);
    }
  }

  /** Every request whose path starts with {@code prefix} fails as {@code mode}. */
  public void failPath(String prefix, FailureMode mode) {
    pathFailures.put(requireNonNull(prefix, "prefix"), requireNonNull(mode, "mode"));
  }

  /** Clears every {@link #failModel} and {@link #failPath} rule. */
  public void recover() {
    modelFailures.clear();
    pathFailures.clear();
  }

  /** Answers the next requests, in order, with these recorded responses. */
  public void replay(Cassette cassette) {
    replays.addAll(cassette.interactions());
  }

  /** Every request received so far, oldest first. */
  public List<ReceivedRequest> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  public void clearReceived() {
    received.clear();
    reportedUsage.clear();
  }

  /**
   * The input and output tokens each synthesized answer reported, oldest first, in the schema's own
   * terms (for Anthropic and Bedrock input excludes cached tokens; the fake caches nothing).
   */
  public List<Usage> reportedUsage() {
    synchronized (reportedUsage) {
      return List.copyOf(reportedUsage);
    }
  }

  /** How many OAuth access tokens the fake's token endpoint ({@code /token}) issued. */
  public int accessTokensIssued() {
    return responders.tokensIssued();
  }

  /** Tokens one answer reported, in the schema's own usage fields. */
  public record Usage(long inputTokens, long outputTokens) {}

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      ReceivedRequest request =
          new ReceivedRequest(
              exchange.getRequestMethod(),
              query == null ? path : path + "?" + query,
              headers,
              body);
      received.add(request);
      Responder responder = responders.forPath(path);
      try {
        Failure failure = failures.poll();
        String failHeader = headers.get("x-fake-fail");
        if (failure == null && failHeader != null) {
          failure = new Failure(Integer.parseInt(failHeader.trim()), "failure on demand");
        }
        if (failure != null) {
          send(exchange, responder.error(failure.status(), failure.message()));
          return;
        }
        FailureMode mode = modeFor(request);
        switch (mode) {
          case null -> {}
          case FailureMode.Status s -> {
            Reply error = responder.error(s.status(), "failure mode " + s.status());
            if (s.retryAfter() != null) {
              Map<String, String> headersWithRetry = new TreeMap<>(error.headers());
              headersWithRetry.put("retry-after", Long.toString(s.retryAfter().toSeconds()));
              error =
                  new Reply(
                      error.status(),
                      error.contentType(),
                      headersWithRetry,
                      error.parts(),
                      error.streamed(),
                      error.usage());
            }
            send(exchange, error);
            return;
          }
          case FailureMode.Reset r -> {
            // No response at all: an exchange closed before its headers drops the connection.
            return;
          }
          case FailureMode.Slow slow -> sleep(slow.delay());
        }
        Cassette.Interaction replay = replays.poll();
        if (replay != null) {
          replay(exchange, replay);
          return;
        }
        Reply reply = responder.answer(request);
        if (reply.usage() != null) {
          reportedUsage.add(reply.usage());
        }
        sleep(responseDelay);
        send(exchange, reply);
      } catch (RuntimeException e) {
        send(exchange, responder.error(500, e.getClass().getSimpleName()));
      }
    }
  }

  private @Nullable FailureMode modeFor(ReceivedRequest request) {
    for (Map.Entry<String, FailureMode> rule : pathFailures.entrySet()) {
      if (request.rawPath().startsWith(rule.getKey())) {
        return rule.getValue();
      }
    }
    if (modelFailures.isEmpty()) {
      return null;
    }
    JsonNode json = request.json();
    String model = json == null ? null : json.path("model").asText(null);
    if (model != null && modelFailures.containsKey(model)) {
      return modelFailures.get(model);
    }
    for (Map.Entry<String, FailureMode> rule : modelFailures.entrySet()) {
      String path = request.rawPath();
      if (path.contains("/" + rule.getKey() + "/") || path.contains("/" + rule.getKey() + ":")) {
        return rule.getValue();
      }
    }
    return null;
  }

  private void replay(HttpExchange exchange, Cassette.Interaction interaction) throws IOException {
    String contentType =
        interaction.responseHeaders().getOrDefault("content-type", "application/json");
    List<byte[]> parts = List.of(interaction.responseBytes());
    boolean sse = contentType.startsWith("text/event-stream");
    boolean eventStream = contentType.startsWith(BedrockEvents.CONTENT_TYPE);
    if (sse) {
      parts = new ArrayList<>();
      for (String block : interaction.responseBody().split("(?<=\\r?\\n\\r?\\n)")) {
        parts.add(block.getBytes(StandardCharsets.UTF_8));
      }
    } else if (eventStream) {
      parts = BedrockEvents.split(interaction.responseBytes());
    }
    send(
        exchange,
        new Reply(interaction.status(), contentType, Map.of(), parts, sse || eventStream, null));
  }

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    exchange.getResponseHeaders().set("content-type", reply.contentType());
    accountHeaders.forEach(exchange.getResponseHeaders()::set);
    reply.headers().forEach(exchange.getResponseHeaders()::set);
    if (reply.streamed()) {
      exchange.sendResponseHeaders(reply.status(), 0);
      OutputStream out = exchange.getResponseBody();
      for (byte[] part : reply.parts()) {
        out.write(part);
        out.flush();
        sleep(chunkDelay);
      }
      return;
    }
    int length = reply.parts().stream().mapToInt(part -> part.length).sum();
    exchange.sendResponseHeaders(reply.status(), length == 0 ? -1 : length);
    for (byte[] part : reply.parts()) {
      exchange.getResponseBody().write(part);
    }
  }

  private static void sleep(Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
