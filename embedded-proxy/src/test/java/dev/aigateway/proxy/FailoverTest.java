package dev.aigateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19 in the embedded proxy, driven by the xDS the control plane generates: priority levels
 * and weights, the route's retry policy (router.cc, retry_state_impl.cc, previous_priorities.cc,
 * previous_hosts.cc), outlier ejection (outlier_detection_impl.cc), and the upstream ext_proc run
 * once per attempt with the chosen endpoint's metadata (upstream_request.cc,
 * ext_proc.cc/matching_utils.cc), against real HTTP upstreams and a real gRPC ext_proc.
 */
class FailoverTest {
  private static final String TARGET_ATTRIBUTE =
      "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['target']";

  /** What the per-attempt processing point saw on one attempt. */
  record AttemptSeen(String target, String attemptCount, String authority) {}

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> processingPoints = new CopyOnWriteArrayList<>();
  private final List<AttemptSeen> attempts = new CopyOnWriteArrayList<>();
  private final Set<Object> attemptStreams = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Object, String> streamTarget = new ConcurrentHashMap<>();
  private volatile String skipTarget;

  /**
   * The attempt point answers its request headers with the translated body (CONTINUE_AND_REPLACE).
   */
  private volatile boolean replaceAtHeaders;

  private final java.util.concurrent.atomic.AtomicInteger attemptBodyMessages =
      new java.util.concurrent.atomic.AtomicInteger();
  private XdsTestServer xds;
  private FakeExtProc extProc;
  private EmbeddedProxy proxy;
  private int port;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void close() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private FakeUpstream upstream(int status, long delayMillis) throws IOException {
    FakeUpstream u = new FakeUpstream();
    byte[] answer =
        ("{\"port\":" + u.port() + ",\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
    u.handler =
        ex -> {
          if (delayMillis > 0) {
            try {
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          ex.getResponseHeaders().set("content-type", "application/json");
          ex.sendResponseHeaders(status, answer.length);
          ex.getResponseBody().write(answer);
        };
    closing.add(u);
    return u;
  }

  private void start(
      List<FailoverConfigs.Target> targets,
      RetryPolicy retry,
      OutlierDetection outlier,
      boolean attemptExtProc)
      throws Exception {
    start(targets, retry, outlier, attemptExtProc, Map.of());
  }

  private void start(
      List<FailoverConfigs.Target> targets,
      RetryPolicy retry,
      OutlierDetection outlier,
      boolean attemptExtProc,
      Map<String, String[]> tls)
      throws Exception {
    xds = new XdsTestServer();
    closing.add(xds);
    ServerInterceptor metadata =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String point =
                headers.get(
                    Metadata.Key.of(
                        "x-gateway-processing-point", Metadata.ASCII_STRING_MARSHALLER));
            processingPoints.add(point == null ? "router" : point);
            return next.startCall(call, headers);
          }
        };
    extProc =
        new FakeExtProc(
            Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .intercept(metadata));
    closing.add(extProc);
    extProc.script = this::process;
    EnvoyConfigs.Shape shape = EnvoyConfigs.shape(extProc.port());
    xds.set(
        EnvoyConfigs.FLEET,
        FailoverConfigs.snapshot(shape, targets, retry, outlier, attemptExtProc, tls));
    proxy =
        EmbeddedProxy.start(
            ProxySettings.of("127.0.0.1", xds.port(), "node-1", EnvoyConfigs.FLEET)
                .withListenerPort(0)
                .withDrainTimeout(Duration.ofSeconds(2)));
    port = proxy.awaitListener(Duration.ofSeconds(10));
  }

  /**
   * Router level: route to the model. Attempt level (its first message carries the endpoint
   * attributes): record what it saw, write the target into the body as a translation would, or
   * answer locally for {@link #skipTarget}.
   */
  private void process(ProcessingRequest req, StreamObserver<ProcessingResponse> out) {
    if (req.hasResponseHeaders()
        && req.getResponseHeaders().getHeaders().getHeadersList().stream()
            .anyMatch(
                h ->
                    h.getKey().equals("content-type")
                        && h.getRawValue().toStringUtf8().startsWith("text/event-stream"))) {
      // Both processing points stream an SSE response (mode_override), as the gateway does.
      out.onNext(
          ProcessingResponse.newBuilder()
              .setResponseHeaders(
                  HeadersResponse.newBuilder()
                      .setResponse(
                          CommonResponse.newBuilder()
                              .setHeaderMutation(
                                  HeaderMutation.newBuilder().addRemoveHeaders("content-length"))))
              .setModeOverride(
                  io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode
                      .newBuilder()
                      .setResponseBodyMode(
                          io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode
                              .BodySendMode.STREAMED))
              .build());
      return;
    }
    if (req.hasRequestHeaders() && req.getAttributesCount() > 0) {
      var attrs = req.getAttributesOrThrow("envoy.filters.http.ext_proc").getFieldsMap();
      String target = attrs.get(TARGET_ATTRIBUTE).getStringValue();
      synchronized (attemptStreams) {
        attemptStreams.add(out);
      }
      streamTarget.put(out, target);
      attempts.add(
          new AttemptSeen(target, header(req, "x-envoy-attempt-count"), header(req, ":authority")));
      if (target.equals(skipTarget)) {
        out.onNext(
            ProcessingResponse.newBuilder()
                .setImmediateResponse(
                    ImmediateResponse.newBuilder()
                        .setStatus(HttpStatus.newBuilder().setCodeValue(429))
                        .setHeaders(
                            HeaderMutation.newBuilder()
                                .addSetHeaders(ProxyHarness.header("x-gateway-skipped", "quota")))
                        .setBody(ByteString.copyFromUtf8("skipped")))
                .build());
        return;
      }
      if (replaceAtHeaders) {
        out.onNext(
            FakeExtProc.replaceBodyAtHeaders(
                HeaderMutation.getDefaultInstance(), "{\"for\":\"" + target + "\"}"));
        return;
      }
      out.onNext(FakeExtProc.continueFor(req));
      return;
    }
    boolean attempt;
    synchronized (attemptStreams) {
      attempt = attemptStreams.contains(out);
    }
    if (attempt && req.hasRequestBody()) {
      attemptBodyMessages.incrementAndGet();
      String translated = "{\"for\":\"" + streamTarget.get(out) + "\"}";
      out.onNext(
          ProcessingResponse.newBuilder()
              .setRequestBody(
                  BodyResponse.newBuilder()
                      .setResponse(
                          CommonResponse.newBuilder()
                              // BUFFERED: the held headers' content-length must match the new
                              // body, or Envoy fails the request (ext_proc.cc, processor_state).
                              .setHeaderMutation(
                                  HeaderMutation.newBuilder()
                                      .addSetHeaders(
                                          ProxyHarness.header(
                                              "content-length",
                                              Integer.toString(translated.length()))))
                              .setBodyMutation(
                                  BodyMutation.newBuilder()
                                      .setBody(ByteString.copyFromUtf8(translated)))))
              .build());
      return;
    }
    if (!attempt && req.hasRequestHeaders()) {
      out.onNext(
          ProcessingResponse.newBuilder()
              .setRequestHeaders(
                  HeadersResponse.newBuilder()
                      .setResponse(
                          CommonResponse.newBuilder()
                              .setClearRouteCache(true)
                              .setHeaderMutation(
                                  HeaderMutation.newBuilder()
                                      .addSetHeaders(
                                          ProxyHarness.header(
                                              "x-gateway-model", FailoverConfigs.MODEL)))))
              .build());
      return;
    }
    out.onNext(FakeExtProc.continueFor(req));
  }

  private static String header(ProcessingRequest req, String name) {
    for (var h : req.getRequestHeaders().getHeaders().getHeadersList()) {
      if (h.getKey().equals(name)) {
        return h.getRawValue().toStringUtf8();
      }
    }
    return null;
  }

  private HttpResponse<String> post() throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\"}"))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static FailoverConfigs.Target target(String id, FakeUpstream u, int priority) {
    return new FailoverConfigs.Target(id, u.port(), priority, 1, id + ".test:" + u.port());
  }

  /** A priority-0 target published DEGRADED (a cooldown, issue 19). */
  private static FailoverConfigs.Target degraded(String id, FakeUpstream u) {
    return new FailoverConfigs.Target(
        id, u.port(), 0, 1, id + ".test:" + u.port(), HealthStatus.DEGRADED);
  }

  // router.cc/retry_state_impl.cc wouldRetryFromHeaders (5xx); previous_priorities.cc;
  // upstream_request.cc: the upstream filter chain is built per attempt; route auto_host_rewrite;
  // router.cc include_attempt_count_in_request; ext_proc matching_utils.cc evaluateAttributes.
  // With replaceAtHeaders the attempt answers its request headers with the translated body
  // (processor_state.cc: CONTINUE_AND_REPLACE; no body message follows, content-length is dropped),
  // and the next attempt still starts from the client's body the router buffered.
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFirstTargetAnswering503IsRetriedOnTheNextPriorityTranslatedAndHostRewrittenForIt(
      boolean replaceAtHeaders) throws Exception {
    this.replaceAtHeaders = replaceAtHeaders;
    FakeUpstream first = upstream(503, 0);
    FakeUpstream second = upstream(200, 0);
    start(
        List.of(target("primary", first, 0), target("fallback", second, 1)),
        FailoverConfigs.retry("connect-failure,reset,5xx,retriable-status-codes", 2, 0, 429, 529),
        FailoverConfigs.outlier(100, 30_000),
        true);

    HttpResponse<String> r = post();

    assertThat(r.statusCode())
        .as(r.body() + " " + extProc.phases() + " " + attempts + first.received + second.received)
        .isEqualTo(200);
    assertThat(r.body()).contains("\"port\":" + second.port());
    assertThat(first.received).hasSize(1);
    assertThat(second.received).hasSize(1);
    assertThat(first.received.getFirst().bodyText()).isEqualTo("{\"for\":\"primary\"}");
    assertThat(second.received.getFirst().bodyText()).isEqualTo("{\"for\":\"fallback\"}");
    assertThat(second.received.getFirst().header("host"))
        .isEqualTo("fallback.test:" + second.port());
    assertThat(attempts)
        .containsExactly(
            new AttemptSeen("primary", "1", "primary.test:" + first.port()),
            new AttemptSeen("fallback", "2", "fallback.test:" + second.port()));
    assertThat(processingPoints).containsExactly("router", "attempt", "attempt");
    assertThat(attemptBodyMessages.get()).isEqualTo(replaceAtHeaders ? 0 : 2);
    if (replaceAtHeaders) {
      // Without the content-length Envoy drops on a replaced body, HTTP/1.1 goes chunked.
      assertThat(second.received.getFirst().header("transfer-encoding")).isEqualTo("chunked");
    }
  }

  // retry_state_impl.cc: retriable-status-codes retries exactly retriable_status_codes.
  @Test
  void rateLimitedAndOverloadedAnswersMoveOnOnlyWhenTheirCodesAreRetriable() throws Exception {
    FakeUpstream limited = upstream(429, 0);
    FakeUpstream overloaded = upstream(529, 0);
    FakeUpstream ok = upstream(200, 0);
    start(
        List.of(target("a", limited, 0), target("b", overloaded, 1), target("c", ok, 2)),
        FailoverConfigs.retry("retriable-status-codes", 3, 0, 429, 529),
        FailoverConfigs.outlier(100, 30_000),
        false);
    HttpResponse<String> r = post();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(List.of(limited.received.size(), overloaded.received.size(), ok.received.size()))
        .containsExactly(1, 1, 1);
    assertThat(ok.received.getFirst().header("x-envoy-attempt-count")).isEqualTo("3");
  }

  // retry_state_impl.cc wouldRetryFromHeaders: 429 is not a 5xx.
  @Test
  void aStatusOutsideTheConditionsIsNotRetriedAndTheLastErrorReachesTheClient() throws Exception {
    FakeUpstream limited = upstream(429, 0);
    FakeUpstream ok = upstream(200, 0);
    start(
        List.of(target("a", limited, 0), target("b", ok, 1)),
        FailoverConfigs.retry("5xx", 2, 0),
        FailoverConfigs.outlier(100, 30_000),
        false);
    HttpResponse<String> r = post();
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(ok.received).isEmpty();
  }

  // retry_state_impl.cc wouldRetryFromReset: connect-failure and ConnectionFailure.
  @Test
  void aConnectFailureMovesToTheNextPriority() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    FakeUpstream ok = upstream(200, 0);
    start(
        List.of(new FailoverConfigs.Target("dead", closed, 0, 1, "dead.test"), target("ok", ok, 1)),
        FailoverConfigs.retry("connect-failure", 1, 0),
        FailoverConfigs.outlier(100, 30_000),
        false);
    HttpResponse<String> r = post();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(ok.received).hasSize(1);
  }

  // upstream_request.cc onPerTryTimeout; retried with 5xx or gateway-error (retry_state_impl.cc).
  @Test
  void aPerTryTimeoutMovesOnWithoutWaitingForTheSlowTarget() throws Exception {
    FakeUpstream slow = upstream(200, 3_000);
    FakeUpstream fast = upstream(200, 0);
    start(
        List.of(target("slow", slow, 0), target("fast", fast, 1)),
        FailoverConfigs.retry("gateway-error", 1, 300),
        FailoverConfigs.outlier(100, 30_000),
        false);
    long t0 = System.nanoTime();
    HttpResponse<String> r = post();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"port\":" + fast.port());
    assertThat(millis).isLessThan(2_000);
  }

  // router.cc onPerTryTimeoutCommon: 504 "upstream request timeout" when not retried.
  @Test
  void withoutRetriesLeftAPerTryTimeoutIsA504() throws Exception {
    FakeUpstream slow = upstream(200, 3_000);
    start(
        List.of(target("slow", slow, 0)),
        FailoverConfigs.retry("gateway-error", 0, 300),
        FailoverConfigs.outlier(100, 30_000),
        false);
    HttpResponse<String> r = post();
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).isEqualTo("upstream request timeout");
  }

  // outlier_detection_impl.cc consecutive_5xx, base_ejection_time; load_balancer_impl.cc
  // recalculatePerPriorityState: an ejected level spills to the next.
  @Test
  void aFailingTargetIsEjectedAfterConsecutive5xxAndComesBackAfterItsEjectionTime()
      throws Exception {
    FakeUpstream failing = upstream(503, 0);
    FakeUpstream ok = upstream(200, 0);
    start(
        List.of(target("failing", failing, 0), target("ok", ok, 1)),
        FailoverConfigs.retry("5xx", 1, 0),
        FailoverConfigs.outlier(2, 1_000),
        false);
    for (int i = 0; i < 2; i++) {
      assertThat(post().statusCode()).isEqualTo(200);
    }
    assertThat(failing.received).hasSize(2);
    for (int i = 0; i < 5; i++) {
      assertThat(post().statusCode()).isEqualTo(200);
    }
    assertThat(failing.received).as("ejected: traffic spills to priority 1").hasSize(2);
    Thread.sleep(1_200);
    assertThat(post().statusCode()).isEqualTo(200);
    assertThat(failing.received).as("back after base_ejection_time").hasSize(3);
  }

  // Issue 19, quota-aware skip: the control plane publishes a cooling target's endpoint DEGRADED.
  // upstream_impl.cc setEdsHealthFlag (DEGRADED_EDS_HEALTH); load_balancer_impl.cc
  // recalculatePerPriorityState: healthy load first, level by level, so a level whose only host is
  // DEGRADED gives all of it to a healthy next level before any attempt.
  @Test
  void aDegradedFirstTargetIsNotTriedWhileTheNextPriorityIsHealthy() throws Exception {
    FakeUpstream cooling = upstream(429, 0);
    FakeUpstream fallback = upstream(200, 0);
    start(
        List.of(degraded("cooling", cooling), target("fallback", fallback, 1)),
        FailoverConfigs.retry("connect-failure,reset,5xx,retriable-status-codes", 2, 0, 429, 529),
        FailoverConfigs.outlier(100, 30_000),
        true);

    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = post();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"port\":" + fallback.port());
    }

    assertThat(cooling.received).as("no attempt at priority 0").isEmpty();
    assertThat(attempts).extracting(AttemptSeen::target).containsOnly("fallback");
    assertThat(attempts).extracting(AttemptSeen::attemptCount).containsOnly("1");
  }

  // The degraded load (load_balancer_impl.cc distributeLoad over per_priority_degraded): with no
  // healthy host left, the DEGRADED one still serves, and the client gets its provider's answer.
  @Test
  void aDegradedTargetStillServesWhenItIsTheOnlyOne() throws Exception {
    FakeUpstream only = upstream(200, 0);
    start(
        List.of(degraded("only", only)),
        FailoverConfigs.retry("5xx", 1, 0),
        FailoverConfigs.outlier(100, 30_000),
        false);

    HttpResponse<String> r = post();

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(only.received).hasSize(1);
  }

  // previous_priorities.cc adjustForAttemptedPriorities: a failed healthy level is excluded and
  // the DEGRADED level's degraded availability takes the retry.
  @Test
  void whenTheHealthyFallbackFailsTheRetryGoesToTheDegradedTarget() throws Exception {
    FakeUpstream cooling = upstream(200, 0);
    FakeUpstream broken = upstream(503, 0);
    start(
        List.of(degraded("cooling", cooling), target("broken", broken, 1)),
        FailoverConfigs.retry("5xx", 1, 0),
        FailoverConfigs.outlier(100, 30_000),
        false);

    HttpResponse<String> r = post();

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(broken.received).hasSize(1);
    assertThat(cooling.received).hasSize(1);
  }

  // endpoint_components.proto load_balancing_weight: weighted round robin within a level.
  @Test
  void trafficSplitsByWeightWithinALevel() throws Exception {
    FakeUpstream heavy = upstream(200, 0);
    FakeUpstream light = upstream(200, 0);
    start(
        List.of(
            new FailoverConfigs.Target("heavy", heavy.port(), 0, 3, "heavy.test"),
            new FailoverConfigs.Target("light", light.port(), 0, 1, "light.test")),
        FailoverConfigs.retry("5xx", 1, 0),
        FailoverConfigs.outlier(100, 30_000),
        false);
    for (int i = 0; i < 200; i++) {
      assertThat(post().statusCode()).isEqualTo(200);
    }
    double share = heavy.received.size() / 200.0;
    assertThat(share).isBetween(0.62, 0.88);
  }

  // upstream_request.cc UpstreamFilterManager::sendLocalReply: "Local replies will not be seen
  // by upstream filters", they go to the downstream filter manager; the router does not retry.
  @Test
  void aLocalReplyFromTheAttemptExtProcEndsTheRequestWithoutCallingAProviderOrRetrying()
      throws Exception {
    FakeUpstream first = upstream(200, 0);
    FakeUpstream second = upstream(200, 0);
    skipTarget = "primary";
    start(
        List.of(target("primary", first, 0), target("fallback", second, 1)),
        FailoverConfigs.retry("5xx,retriable-status-codes", 2, 0, 429),
        FailoverConfigs.outlier(100, 30_000),
        true);
    HttpResponse<String> r = post();
    // Envoy: UpstreamFilterManager::sendLocalReply hands the reply to the downstream filter
    // manager; the router never sees it, so 429 in retriable_status_codes does not retry.
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("x-gateway-skipped")).hasValue("quota");
    assertThat(first.received).isEmpty();
    assertThat(second.received).isEmpty();
  }

  // cluster.proto transport_socket_matches: first entry whose match is a subset of the endpoint's
  // envoy.transport_socket_match metadata; others use the cluster's transport socket.
  @Test
  void eachTargetSpeaksTheTlsItsTransportSocketMatchChose(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    TestCertificates certs = new TestCertificates(dir, "secure.test");
    FakeUpstream secure = new FakeUpstream(certs.serverContext);
    closing.add(secure);
    FakeUpstream plain = upstream(200, 0);
    start(
        List.of(
            new FailoverConfigs.Target("secure", secure.port(), 0, 1, "secure.test"),
            target("plain", plain, 1)),
        FailoverConfigs.retry("connect-failure,reset,5xx", 1, 0),
        FailoverConfigs.outlier(100, 30_000),
        false,
        Map.of("secure", new String[] {certs.pem, "secure.test"}));
    HttpResponse<String> r = post();
    // Plaintext to the https target would fail and be retried on the plain one.
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"ok\":true}");
    assertThat(secure.received).hasSize(1);
    assertThat(plain.received).isEmpty();
  }

  // The retry decision is made at the (processed) response headers; a stream that then starts
  // goes out chunk by chunk through both processing points (ext_proc.cc STREAMED after
  // mode_override).
  @Test
  void aStreamedCompletionIsServedByTheSecondTargetChunkByChunk() throws Exception {
    FakeUpstream first = upstream(503, 0);
    FakeUpstream second = new FakeUpstream();
    closing.add(second);
    java.util.concurrent.CountDownLatch clientGotFirst = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean streamed =
        new java.util.concurrent.atomic.AtomicBoolean();
    second.handler =
        ex -> {
          ex.getResponseHeaders().set("content-type", "text/event-stream");
          ex.sendResponseHeaders(200, 0);
          var os = ex.getResponseBody();
          os.write("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
          os.flush();
          try {
            streamed.set(clientGotFirst.await(10, java.util.concurrent.TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        };
    start(
        List.of(target("primary", first, 0), target("fallback", second, 1)),
        FailoverConfigs.retry("5xx", 1, 0),
        FailoverConfigs.outlier(100, 30_000),
        true);

    HttpResponse<java.io.InputStream> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> lines = new ArrayList<>();
    try (var reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isEmpty()) {
          lines.add(line);
          clientGotFirst.countDown();
        }
      }
    }
    assertThat(lines).containsExactly("data: {\"n\":1}", "data: [DONE]");
    assertThat(streamed).as("the first chunk reached the client before the stream ended").isTrue();
    assertThat(first.received).hasSize(1);
    assertThat(second.received).hasSize(1);
  }
}
