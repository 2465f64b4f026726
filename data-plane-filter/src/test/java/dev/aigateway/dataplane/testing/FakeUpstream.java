package dev.aigateway.dataplane.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider stand-in on an ephemeral port: answers every request with one recorded response and
 * remembers what it received.
 */
public final class FakeUpstream implements AutoCloseable {
  /** A request as the upstream saw it (header names lower-case). */
  public record Received(String method, URI uri, Map<String, String> headers, byte[] body) {
    public String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of("content-length", "transfer-encoding", "connection", "content-encoding", "date");

  /**
   * Recorded responses keep the provider's content-encoding header beside an already decoded body,
   * so it is dropped; a test that really sends an encoded body names it with this header.
   */
  public static final String RAW_CONTENT_ENCODING = "x-test-content-encoding";

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Cassette.Response response;

  public FakeUpstream(Cassette.Response response) {
    this.response = response;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new LinkedHashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI(),
                  headers,
                  exchange.getRequestBody().readAllBytes()));
          Cassette.Response r = this.response;
          r.headers()
              .forEach(
                  (k, v) -> {
                    if (k.equals(RAW_CONTENT_ENCODING)) {
                      exchange.getResponseHeaders().add("content-encoding", v);
                    } else if (!HOP_BY_HOP.contains(k)) {
                      exchange.getResponseHeaders().add(k, v);
                    }
                  });
          exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(r.body());
          }
        });
    server.start();
  }

  public void answerWith(Cassette.Response response) {
    this.response = response;
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Received> received() {
    return received;
  }

  public Received last() {
    return received.getLast();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
