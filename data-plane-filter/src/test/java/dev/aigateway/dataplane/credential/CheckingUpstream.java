package dev.aigateway.dataplane.credential;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A provider stand-in that checks the credential it receives, as the real provider would: a request
 * whose headers fail the check gets a 401, one that passes gets a minimal valid answer in the
 * schema's own shape.
 */
final class CheckingUpstream implements AutoCloseable {
  private final HttpServer server;
  final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
  private volatile Predicate<Map<String, String>> check = h -> false;
  private volatile String answer = "{}";

  CheckingUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new HashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
          exchange.getRequestBody().readAllBytes();
          received.add(headers);
          boolean ok = check.test(headers);
          byte[] body =
              (ok ? answer : "{\"error\":{\"message\":\"bad credential\"}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** The next requests must pass {@code check}; they get {@code answer}. */
  void expect(Predicate<Map<String, String>> check, String answer) {
    this.check = check;
    this.answer = answer;
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  Map<String, String> last() {
    return received.getLast();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
