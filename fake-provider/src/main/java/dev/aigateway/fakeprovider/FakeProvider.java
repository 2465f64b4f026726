package dev.aigateway.fakeprovider;

import static java.util.Objects.requireNonNull;

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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;

/**
 * A local LLM provider speaking OpenAI's API (also under Azure's deployment paths), for tests and
 * the demo. It synthesizes answers, or replays recorded exchanges queued with {@link #replay}, can
 * stream with a delay between chunks, and fails on demand ({@link #failNext} or the request header
 * {@code x-fake-fail: <status>}).
 */
public final class FakeProvider implements AutoCloseable {

  /** A request as the provider received it; header names are lower-case. */
  public record ReceivedRequest(
      String method, String path, Map<String, String> headers, String body) {}

  private record Failure(int status, String body) {}

  private final HttpServer server;
  private final OpenAiResponder responder;
  private final Deque<Cassette.Interaction> replays = new ConcurrentLinkedDeque<>();
  private final Deque<Failure> failures = new ConcurrentLinkedDeque<>();
  private final List<ReceivedRequest> received = Collections.synchronizedList(new ArrayList<>());
  private volatile Duration chunkDelay;

  private FakeProvider(HttpServer server, Duration chunkDelay) {
    this.server = server;
    this.chunkDelay = chunkDelay;
    this.responder = new OpenAiResponder();
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

  /** The next request is answered with {@code status} and an OpenAI-style error body. */
  public void failNext(int status, String message) {
    failures.add(new Failure(status, OpenAiResponder.errorJson(message, status)));
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
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      received.add(
          new ReceivedRequest(
              exchange.getRequestMethod(),
              query == null ? path : path + "?" + query,
              headers,
              body));

      Failure failure = failures.poll();
      String failHeader = headers.get("x-fake-fail");
      if (failure == null && failHeader != null) {
        int status = Integer.parseInt(failHeader.trim());
        failure = new Failure(status, OpenAiResponder.errorJson("failure on demand", status));
      }
      if (failure != null) {
        send(exchange, failure.status(), "application/json", failure.body());
        return;
      }
      Cassette.Interaction replay = replays.poll();
      if (replay != null) {
        replay(exchange, replay);
        return;
      }
      OpenAiResponder.Reply reply = responder.answer(exchange.getRequestMethod(), path, body);
      if (reply.stream()) {
        stream(exchange, reply.events());
      } else {
        send(exchange, reply.status(), "application/json", reply.body());
      }
    } catch (RuntimeException e) {
      send(exchange, 500, "application/json", OpenAiResponder.errorJson(e.toString(), 500));
    }
  }

  private void replay(HttpExchange exchange, Cassette.Interaction interaction) throws IOException {
    String contentType =
        interaction.responseHeaders().getOrDefault("content-type", "application/json");
    if (contentType.startsWith("text/event-stream")) {
      List<String> events = new ArrayList<>();
      for (String block : interaction.responseBody().split("\n\n")) {
        if (!block.isBlank()) {
          events.add(block + "\n\n");
        }
      }
      stream(exchange, events);
    } else {
      send(exchange, interaction.status(), contentType, interaction.responseBody());
    }
  }

  private void stream(HttpExchange exchange, List<String> events) throws IOException {
    exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("cache-control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    for (String event : events) {
      out.write(event.getBytes(StandardCharsets.UTF_8));
      out.flush();
      sleep(chunkDelay);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
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
