package dev.aigateway.proxy;

import static dev.aigateway.proxy.ProxyHarness.header;
import static dev.aigateway.proxy.ProxyHarness.routeTo;
import static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase.REQUEST_BODY;
import static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase.REQUEST_HEADERS;
import static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase.RESPONSE_BODY;
import static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest.RequestCase.RESPONSE_HEADERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExtProcExchangeTest {

  private ProxyHarness h;

  @BeforeEach
  void start() throws Exception {
    h = new ProxyHarness();
  }

  @AfterEach
  void stop() throws Exception {
    h.close();
  }

  private static ProcessingResponse requestBody(CommonResponse common) {
    return ProcessingResponse.newBuilder()
        .setRequestBody(BodyResponse.newBuilder().setResponse(common))
        .build();
  }

  @Test
  void clearRouteCacheInBodyResponseReroutesWithHeldHeaders() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                        .setClearRouteCache(true)
                        .build()));
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp = h.post("/v1/chat/completions?x=1", "{\"model\":\"gpt\"}");

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).isEqualTo("{\"ok\":true}");
    var got = h.upstream.received.getFirst();
    assertThat(got.path()).isEqualTo("/v1/chat/completions");
    assertThat(got.header("host")).isEqualTo("api.openai.test");
    assertThat(got.bodyText()).isEqualTo("{\"model\":\"gpt\"}");
    assertThat(h.extProc.phases())
        .containsExactly(REQUEST_HEADERS, REQUEST_BODY, RESPONSE_HEADERS, RESPONSE_BODY);
    var headers = h.extProc.received.getFirst().getRequestHeaders().getHeaders().getHeadersList();
    assertThat(headers)
        .anyMatch(
            x ->
                x.getKey().equals(":path")
                    && x.getRawValue().toStringUtf8().equals("/v1/chat/completions?x=1"));
    assertThat(headers).anyMatch(x -> x.getKey().equals("x-request-id"));
    assertThat(headers).allMatch(x -> x.getValue().isEmpty());
    assertThat(h.extProc.received.getFirst().hasProtocolConfig()).isTrue();
  }

  @Test
  void headerMutationWithoutClearRouteCacheKeepsTheFirstRoute() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                        .build()));
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(404);
    assertThat(resp.body()).isEqualTo(EnvoyConfigs.NOT_FOUND_BODY);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(h.upstream.received).isEmpty();
    // The direct response passes through the encoder path, so ext_proc sees it.
    assertThat(h.extProc.phases()).contains(RESPONSE_HEADERS);
  }

  @Test
  void clearRouteCacheWithoutHeaderMutationIsIgnored() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestHeaders()) {
            // Routing header set in the headers answer; the body answer clears without mutation.
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setRequestHeaders(
                        HeadersResponse.newBuilder()
                            .setResponse(
                                CommonResponse.newBuilder()
                                    .setHeaderMutation(routeTo("openai", "/v1/x"))))
                    .build());
          } else if (req.hasRequestBody()) {
            out.onNext(requestBody(CommonResponse.newBuilder().setClearRouteCache(true).build()));
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    assertThat(h.post("/v1/x", "{}").statusCode()).isEqualTo(404);
  }

  @Test
  void immediateResponseStopsTheRequestBeforeTheUpstream() throws Exception {
    h.extProc.script =
        (req, out) ->
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setImmediateResponse(
                        ImmediateResponse.newBuilder()
                            .setStatus(HttpStatus.newBuilder().setCode(StatusCode.Unauthorized))
                            .setHeaders(
                                HeaderMutation.newBuilder()
                                    .addSetHeaders(header("content-type", "application/json")))
                            .setBody(ByteString.copyFromUtf8("{\"error\":\"bad key\"}")))
                    .build());

    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(resp.body()).isEqualTo("{\"error\":\"bad key\"}");
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(h.upstream.received).isEmpty();
    assertThat(h.extProc.phases()).containsExactly(REQUEST_HEADERS);
  }

  @Test
  void bufferedBodyMutationWithMatchingContentLengthReachesTheUpstream() throws Exception {
    String replaced = "{\"model\":\"gpt-4o\",\"stream\":false}";
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(
                            routeTo("openai", "/v1/chat/completions").toBuilder()
                                .addSetHeaders(
                                    header("content-length", Integer.toString(replaced.length())))
                                .addSetHeaders(header("authorization", "Bearer upstream"))
                                .addSetHeaders(header("host", "evil.test"))
                                .addRemoveHeaders("x-client-secret"))
                        .setBodyMutation(
                            BodyMutation.newBuilder().setBody(ByteString.copyFromUtf8(replaced)))
                        .setClearRouteCache(true)
                        .build()));
          } else if (req.hasResponseBody()) {
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setResponseBody(
                        BodyResponse.newBuilder()
                            .setResponse(
                                CommonResponse.newBuilder()
                                    .setHeaderMutation(
                                        HeaderMutation.newBuilder()
                                            .addSetHeaders(header("content-length", "6"))
                                            .addSetHeaders(header("x-gateway-cost", "0.1")))
                                    .setBodyMutation(
                                        BodyMutation.newBuilder()
                                            .setBody(
                                                ByteString.copyFromUtf8(
                                                    "{\"a\":1}".substring(0, 6))))))
                    .build());
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp =
        h.client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + h.port + "/v1/chat/completions"))
                .header("x-client-secret", "s3cret")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"x\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).isEqualTo("{\"a\":1");
    assertThat(resp.headers().firstValue("x-gateway-cost")).hasValue("0.1");
    var got = h.upstream.received.getFirst();
    assertThat(got.bodyText()).isEqualTo(replaced);
    assertThat(got.header("content-length")).isEqualTo(Integer.toString(replaced.length()));
    assertThat(got.header("authorization")).isEqualTo("Bearer upstream");
    assertThat(got.header("x-client-secret")).isNull();
    // host/:authority mutations are ignored by the default mutation rules.
    assertThat(got.header("host")).isEqualTo("api.openai.test");
  }

  @Test
  void bodyMutationThatContradictsContentLengthFailsWith500() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                        .setClearRouteCache(true)
                        .setBodyMutation(
                            BodyMutation.newBuilder()
                                .setBody(ByteString.copyFromUtf8("{\"much\":\"longer body\"}")))
                        .build()));
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(h.upstream.received).isEmpty();
  }

  @Test
  void valueWithoutRawValueSetsAnEmptyHeader() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            var m =
                routeTo("openai", "/v1/chat/completions").toBuilder()
                    .addSetHeaders(
                        io.envoyproxy.envoy.config.core.v3.HeaderValueOption.newBuilder()
                            .setHeader(
                                io.envoyproxy.envoy.config.core.v3.HeaderValue.newBuilder()
                                    .setKey("x-only-value")
                                    .setValue("ignored")));
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(m)
                        .setClearRouteCache(true)
                        .build()));
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(200);
    assertThat(h.upstream.received.getFirst().header("x-only-value")).isEmpty();
  }

  @Test
  void spuriousAnswerFailsTheRequestWith500() throws Exception {
    // A body answer while Envoy waits for a headers answer is spurious.
    h.extProc.script = (req, out) -> out.onNext(requestBody(CommonResponse.getDefaultInstance()));

    assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(500);
    assertThat(h.upstream.received).isEmpty();
  }

  @Test
  void messageTimeoutGives504() throws Exception {
    h.push(h.shape.withVersion("2").withExtProc(EnvoyConfigs.extProc(200)));
    h.awaitRequest(r -> r.getVersionInfo().equals("2") && r.getTypeUrl().endsWith("Listener"));
    h.extProc.script = (req, out) -> {}; // never answers

    long start = System.nanoTime();
    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(504);
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(150L, 5_000L);
  }

  @Test
  void grpcErrorFromTheProcessorGives500() throws Exception {
    h.extProc.script =
        (req, out) ->
            out.onError(io.grpc.Status.INTERNAL.withDescription("boom").asRuntimeException());

    assertThat(h.post("/v1/chat/completions", "{}").statusCode()).isEqualTo(500);
  }

  @Test
  void processorDownGives500() throws Exception {
    h.extProc.close();

    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(h.upstream.received).isEmpty();
  }

  @Test
  void processorClosingTheStreamLetsTheRequestContinueUnchanged() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestHeaders()) {
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setRequestHeaders(
                        HeadersResponse.newBuilder()
                            .setResponse(
                                CommonResponse.newBuilder()
                                    .setHeaderMutation(routeTo("openai", "/v1/a"))
                                    .setClearRouteCache(true)))
                    .build());
            out.onCompleted();
          }
        };

    var resp = h.post("/v1/chat/completions", "{\"k\":1}");

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(h.upstream.received.getFirst().bodyText()).isEqualTo("{\"k\":1}");
    // The body message may still reach the server before it sees the close; nothing after it.
    assertThat(h.extProc.phases()).startsWith(REQUEST_HEADERS).doesNotContain(RESPONSE_HEADERS);
  }

  static ProcessingRequest.RequestCase[] all() {
    return new ProcessingRequest.RequestCase[] {
      REQUEST_HEADERS, REQUEST_BODY, RESPONSE_HEADERS, RESPONSE_BODY
    };
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void immediateResponseInTheResponsePhaseReplacesTheUpstreamResponse() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                        .setClearRouteCache(true)
                        .build()));
          } else if (req.hasResponseHeaders()) {
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setImmediateResponse(
                        ImmediateResponse.newBuilder()
                            .setStatus(HttpStatus.newBuilder().setCode(StatusCode.TooManyRequests))
                            .setBody(ByteString.copyFromUtf8("slow down")))
                    .build());
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(resp.body()).isEqualTo("slow down");
    assertThat(h.upstream.received).hasSize(1);
    assertThat(h.extProc.phases()).doesNotContain(RESPONSE_BODY);
  }

  @Test
  void modeOverrideWithoutBodyModesSetsThemToNone() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestBody()) {
            out.onNext(
                requestBody(
                    CommonResponse.newBuilder()
                        .setHeaderMutation(routeTo("openai", "/v1/chat/completions"))
                        .setClearRouteCache(true)
                        .build()));
          } else if (req.hasResponseHeaders()) {
            out.onNext(
                ProcessingResponse.newBuilder()
                    .setResponseHeaders(HeadersResponse.getDefaultInstance())
                    .setModeOverride(
                        io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode
                            .getDefaultInstance())
                    .build());
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp = h.post("/v1/chat/completions", "{}");

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).isEqualTo("{\"ok\":true}");
    assertThat(h.extProc.phases()).containsExactly(REQUEST_HEADERS, REQUEST_BODY, RESPONSE_HEADERS);
  }

  @Test
  void continueAndReplaceInRequestHeadersReplacesTheBodyAndSkipsTheBodyPhase() throws Exception {
    h.extProc.script =
        (req, out) -> {
          if (req.hasRequestHeaders()) {
            out.onNext(
                FakeExtProc.replaceBodyAtHeaders(
                    routeTo("openai", "/v1/replaced"), "{\"replaced\":true}"));
          } else {
            out.onNext(FakeExtProc.continueFor(req));
          }
        };

    var resp = h.post("/v1/chat/completions", "{\"original\":1}");

    assertThat(resp.statusCode()).isEqualTo(200);
    var got = h.upstream.received.getFirst();
    assertThat(got.path()).isEqualTo("/v1/replaced");
    assertThat(got.bodyText()).isEqualTo("{\"replaced\":true}");
    assertThat(h.extProc.phases()).doesNotContain(REQUEST_BODY);
  }
}
