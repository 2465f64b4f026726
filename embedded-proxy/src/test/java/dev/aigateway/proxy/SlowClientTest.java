package dev.aigateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 8, replayed against the embedded proxy: a client that trickles its headers or its
 * body (slowloris) held a connection and its buffer forever, and any number of connections were
 * accepted. The listener's request_headers_timeout, request_timeout and connection_limit now come
 * from xDS and are applied as Envoy applies them.
 */
class SlowClientTest {
  private static final long HEADERS_TIMEOUT_MS = 300;
  private static final long REQUEST_TIMEOUT_MS = 600;
  private static final int MAX_CONNECTIONS = 3;
  private static ProxyHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new ProxyHarness();
    h.xds.set(
        EnvoyConfigs.FLEET,
        EnvoyConfigs.snapshot(h.shape.withVersion("2"), SlowClientTest::withLimits));
    h.awaitRequest(r -> r.getVersionInfo().equals("2") && r.getTypeUrl().endsWith("Listener"));
    Thread.sleep(200); // the listener view is swapped right after the ACK
    // Warm the ext_proc channel: a cold first gRPC call can take longer than the short timeouts.
    h.post("/v1/chat/completions", "{}");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static Listener withLimits(Listener listener) {
    try {
      Listener.Builder b = listener.toBuilder();
      var chain = b.getFilterChainsBuilder(0);
      Filter hcmFilter = chain.getFilters(0);
      HttpConnectionManager hcm =
          hcmFilter.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder()
              .setRequestHeadersTimeout(EnvoyConfigs.millis(HEADERS_TIMEOUT_MS))
              .setRequestTimeout(EnvoyConfigs.millis(REQUEST_TIMEOUT_MS))
              .build();
      chain.clearFilters();
      chain.addFilters(
          Filter.newBuilder()
              .setName("envoy.filters.network.connection_limit")
              .setTypedConfig(
                  Any.pack(
                      ConnectionLimit.newBuilder()
                          .setStatPrefix("test")
                          .setMaxConnections(UInt64Value.of(MAX_CONNECTIONS))
                          .build())));
      chain.addFilters(hcmFilter.toBuilder().setTypedConfig(Any.pack(hcm)));
      return b.build();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void headersTrickledSlowerThanTheHeadersTimeoutGet408AndTheConnectionCloses() throws Exception {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(s, "POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\n");
      // ...and the rest never comes.
      String answer = readAll(s);
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat((System.nanoTime() - start) / 1_000_000)
          .isBetween(HEADERS_TIMEOUT_MS - 50, 3_000L);
    }
  }

  @Test
  void aBodyTrickledSlowerThanTheRequestTimeoutGets408() throws Exception {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(
          s,
          "POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\ncontent-type:"
              + " application/json\r\ncontent-length: 100000\r\n\r\n{\"model\":");
      String answer = readAll(s);
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat((System.nanoTime() - start) / 1_000_000)
          .isBetween(REQUEST_TIMEOUT_MS - 50, 3_000L);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsNotCutByTheHeadersTimeout() throws Exception {
    try (Socket s = connect()) {
      Thread.sleep(HEADERS_TIMEOUT_MS * 2);
      send(s, "GET /v1/models HTTP/1.1\r\nhost: gateway\r\nconnection: close\r\n\r\n");
      String answer = readAll(s);
      assertThat(answer).startsWith("HTTP/1.1 ").doesNotStartWith("HTTP/1.1 408");
    }
  }

  @Test
  void aKeylessRequestWithALargeBodyIsRefusedAtItsHeadersWithoutTheBodyBeingRead()
      throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestHeaders()) {
            out.onNext(
                io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.newBuilder()
                    .setImmediateResponse(
                        io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse.newBuilder()
                            .setStatus(
                                io.envoyproxy.envoy.type.v3.HttpStatus.newBuilder()
                                    .setCodeValue(401))
                            .setBody(com.google.protobuf.ByteString.copyFromUtf8("no key")))
                    .build());
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };
    int before = h.extProc.received.size();
    try (Socket s = connect()) {
      // 40 MiB announced, 1 KiB sent, and the client then stops: the answer must not wait for
      // the rest (before, the proxy buffered the whole body before the ext_proc saw anything).
      send(
          s,
          "POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n"
              + "content-length: 41943040\r\n\r\n"
              + "x".repeat(1024));
      String answer = readAll(s);
      assertThat(answer).startsWith("HTTP/1.1 401").endsWith("no key");
      // The unread body ends the connection; the answer says so, as Envoy's does, or a client
      // reusing the connection sends its next request on a closing socket (HardeningIT once got no
      // answer to its next request that way).
      assertThat(answer.lines().takeWhile(l -> !l.isEmpty()))
          .anySatisfy(l -> assertThat(l).isEqualToIgnoringCase("connection: close"));
    } finally {
      h.extProc.script = FakeExtProc.CONTINUE;
    }
    assertThat(
            h.extProc.received.subList(before, h.extProc.received.size()).stream()
                .map(r -> r.getRequestCase().name()))
        .as("the ext_proc saw the headers only")
        .containsExactly("REQUEST_HEADERS");
  }

  @Test
  void aSlowBodyOfAnAdmittedRequestIsStillReadAndForwarded() throws Exception {
    try (Socket s = connect()) {
      send(
          s,
          "POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n"
              + "content-length: 10\r\nconnection: close\r\n\r\n{\"a\"");
      Thread.sleep(150);
      send(s, ":true}");
      String answer = readAll(s);
      assertThat(answer).startsWith("HTTP/1.1 ");
      assertThat(answer).doesNotStartWith("HTTP/1.1 408").doesNotStartWith("HTTP/1.1 5");
    }
  }

  @Test
  void connectionsOverTheLimitAreClosedAtOnce() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        held.add(connect());
      }
      Thread.sleep(100);
      try (Socket extra = connect()) {
        extra.setSoTimeout(2_000);
        assertThat(extra.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
      }
      held.removeFirst().close();
      Thread.sleep(200);
      try (Socket again = connect()) {
        send(again, "GET /v1/models HTTP/1.1\r\nhost: gateway\r\nconnection: close\r\n\r\n");
        assertThat(readAll(again)).startsWith("HTTP/1.1 ");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", h.port);
    s.setSoTimeout(5_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** Everything until the proxy closes the connection (fails the test after 5 s of silence). */
  private static String readAll(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the proxy kept the connection open", e);
    }
  }
}
