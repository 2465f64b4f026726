package dev.aigateway.proxy;

import static dev.aigateway.proxy.ProxyHarness.header;
import static dev.aigateway.proxy.ProxyHarness.routeTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpsExchange;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingAndTransportTest {

  /** Routes on the request body; everything else continues. */
  private static final FakeExtProc.Script ROUTE_TO_OPENAI =
      (req, out) -> {
        if (req.hasRequestBody()) {
          out.onNext(
              ProcessingResponse.newBuilder()
                  .setRequestBody(
                      BodyResponse.newBuilder()
                          .setResponse(
                              CommonResponse.newBuilder()
                                  .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                                  .setClearRouteCache(true)))
                  .build());
        } else {
          out.onNext(FakeExtProc.continueFor(req));
        }
      };

  @Test
  void sseResponseIsStreamedChunkByChunkAfterModeOverride() throws Exception {
    CountDownLatch clientGotFirst = new CountDownLatch(1);
    AtomicBoolean upstreamWaitedForClient = new AtomicBoolean();
    List<ProcessingRequest> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ProxyHarness h = new ProxyHarness()) {
      h.upstream.handler =
          ex -> {
            ex.getResponseHeaders().set("content-type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream os = ex.getResponseBody();
            os.write("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            try {
              upstreamWaitedForClient.set(clientGotFirst.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            os.write("data: {\"n\":2}\n\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
          };
      h.extProc.script =
          (req, out) -> {
            if (req.hasResponseHeaders()) {
              out.onNext(
                  ProcessingResponse.newBuilder()
                      .setResponseHeaders(
                          HeadersResponse.newBuilder()
                              .setResponse(
                                  CommonResponse.newBuilder()
                                      .setHeaderMutation(
                                          HeaderMutation.newBuilder()
                                              .addRemoveHeaders("content-length")
                                              .addSetHeaders(header("x-gateway-stream", "1")))))
                      .setModeOverride(
                          ProcessingMode.newBuilder()
                              .setResponseBodyMode(ProcessingMode.BodySendMode.STREAMED))
                      .build());
            } else if (req.hasResponseBody()) {
              chunks.add(req);
              // Each chunk answer rewrites the chunk: proves per-chunk mutation, FIFO.
              String upper =
                  req.getResponseBody().getBody().toStringUtf8().toUpperCase(Locale.ROOT);
              out.onNext(
                  ProcessingResponse.newBuilder()
                      .setResponseBody(
                          BodyResponse.newBuilder()
                              .setResponse(
                                  CommonResponse.newBuilder()
                                      .setBodyMutation(
                                          BodyMutation.newBuilder()
                                              .setBody(ByteString.copyFromUtf8(upper)))))
                      .build());
            } else {
              ROUTE_TO_OPENAI.onMessage(req, out);
            }
          };

      HttpResponse<InputStream> resp =
          h.client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + h.port + "/v1/chat/completions"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());

      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.headers().firstValue("x-gateway-stream")).hasValue("1");
      assertThat(resp.headers().firstValue("transfer-encoding")).hasValue("chunked");
      List<String> lines = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isEmpty()) {
            continue;
          }
          lines.add(line);
          clientGotFirst.countDown();
        }
      }
      assertThat(upstreamWaitedForClient).isTrue();
      assertThat(lines).containsExactly("DATA: {\"N\":1}", "DATA: {\"N\":2}", "DATA: [DONE]");
      assertThat(chunks.size()).isGreaterThanOrEqualTo(2);
      assertThat(chunks.getLast().getResponseBody().getEndOfStream()).isTrue();
      assertThat(chunks.getFirst().getResponseBody().getEndOfStream()).isFalse();
    }
  }

  @Test
  void tlsUpstreamGetsTheClusterSniAndIsVerifiedAgainstTheConfiguredTrust(@TempDir Path dir)
      throws Exception {
    TestCertificates certs = new TestCertificates(dir, "upstream.test");
    AtomicReference<String> sni = new AtomicReference<>();
    FakeUpstream tlsUpstream = new FakeUpstream(certs.serverContext);
    tlsUpstream.handler =
        ex -> {
          var session = (ExtendedSSLSession) ((HttpsExchange) ex).getSSLSession();
          session.getRequestedServerNames().stream()
              .filter(n -> n instanceof SNIHostName)
              .findFirst()
              .ifPresent(n -> sni.set(((SNIHostName) n).getAsciiName()));
          FakeUpstream.ok(ex);
        };
    try (ProxyHarness h = new ProxyHarness(tlsUpstream, "upstream.test", certs.trust)) {
      h.extProc.script = ROUTE_TO_OPENAI;

      var resp = h.post("/v1/chat/completions", "{}");

      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.body()).isEqualTo("{\"ok\":true}");
      assertThat(sni.get()).isEqualTo("upstream.test");
    }
  }

  @Test
  void tlsUpstreamWithAnUntrustedCertificateGives503(@TempDir Path dir) throws Exception {
    TestCertificates certs = new TestCertificates(dir, "upstream.test");
    FakeUpstream tlsUpstream = new FakeUpstream(certs.serverContext);
    // The proxy trusts only the JDK's default store here, which lacks the self-signed cert.
    try (ProxyHarness h = new ProxyHarness(tlsUpstream, "upstream.test", null)) {
      h.extProc.script = ROUTE_TO_OPENAI;

      assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(503);
      assertThat(tlsUpstream.received).isEmpty();
    }
  }

  @Test
  void keepAliveServesSequentialRequestsOnOneConnection() throws Exception {
    try (ProxyHarness h = new ProxyHarness();
        Socket s = new Socket("127.0.0.1", h.port)) {
      h.extProc.script = ROUTE_TO_OPENAI;
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 3; i++) {
        String body = "{\"i\":" + i + "}";
        out.write(
            ("POST /v1/chat/completions HTTP/1.1\r\nHost: gw.local\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readResponse(in);
        assertThat(response).startsWith("HTTP/1.1 200").contains("{\"ok\":true}");
        assertThat(response.toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
      }
      assertThat(h.upstream.received).hasSize(3);
    }
  }

  /** Reads one HTTP/1.1 response framed by content-length. */
  private static String readResponse(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed after: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head + new String(body, StandardCharsets.UTF_8);
  }
}
