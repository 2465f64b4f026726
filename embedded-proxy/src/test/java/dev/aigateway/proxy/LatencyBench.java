package dev.aigateway.proxy;

import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load script (not a test): latency the proxy adds over calling the upstream directly, open loop at
 * a fixed rate, with a trivial ext_proc doing the four BUFFERED exchanges and a re-route. Usage:
 * LatencyBench [rps] [seconds] [skip-ext-proc|model] (model: issue 19's model route and cluster).
 */
public final class LatencyBench {

  private static boolean skipExtProc;

  public static void main(String[] args) throws Exception {
    int rps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    try (ProxyHarness h = new ProxyHarness()) {
      h.extProc.script =
          (req, out) -> {
            if (req.hasRequestBody()) {
              out.onNext(
                  ProcessingResponse.newBuilder()
                      .setRequestBody(
                          BodyResponse.newBuilder()
                              .setResponse(
                                  CommonResponse.newBuilder()
                                      .setHeaderMutation(
                                          ProxyHarness.routeTo("openai", "/v1/chat/completions"))
                                      .setClearRouteCache(true)))
                      .build());
            } else {
              out.onNext(FakeExtProc.continueFor(req));
            }
          };
      h.upstream.handler = FakeUpstream::ok;
      if (args.length > 2 && args[2].equals("model")) {
        // Issue 19's route and cluster (retry policy, priority level, outlier detection, host
        // rewrite from the endpoint) instead of the provider route; no upstream ext_proc.
        h.xds.set(
            EnvoyConfigs.FLEET,
            FailoverConfigs.snapshot(
                h.shape.withVersion("2"),
                java.util.List.of(
                    new FailoverConfigs.Target("t", h.upstream.port(), 0, 1, "api.openai.test")),
                FailoverConfigs.retry(
                    "connect-failure,reset,5xx,retriable-status-codes", 2, 0, 429),
                FailoverConfigs.outlier(3, 30_000),
                false));
        h.awaitRequest(
            r -> r.getVersionInfo().equals("2") && r.getTypeUrl().endsWith("RouteConfiguration"));
        Thread.sleep(200);
        h.extProc.script =
            (req, out) -> {
              if (req.hasRequestBody()) {
                out.onNext(
                    ProcessingResponse.newBuilder()
                        .setRequestBody(
                            BodyResponse.newBuilder()
                                .setResponse(
                                    CommonResponse.newBuilder()
                                        .setHeaderMutation(
                                            io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation
                                                .newBuilder()
                                                .addSetHeaders(
                                                    ProxyHarness.header(
                                                        "x-gateway-model", FailoverConfigs.MODEL)))
                                        .setClearRouteCache(true)))
                        .build());
              } else {
                out.onNext(FakeExtProc.continueFor(req));
              }
            };
      }
      if (args.length > 2 && args[2].equals("skip-ext-proc")) {
        // Only to split the cost: no ext_proc message at all, so route on a client header.
        h.push(
            h.shape
                .withVersion("2")
                .withExtProc(
                    EnvoyConfigs.extProc(30_000).toBuilder()
                        .setProcessingMode(
                            io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode
                                .newBuilder()
                                .setRequestHeaderMode(
                                    io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3
                                        .ProcessingMode.HeaderSendMode.SKIP)
                                .setResponseHeaderMode(
                                    io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3
                                        .ProcessingMode.HeaderSendMode.SKIP))
                        .build()));
        h.awaitRequest(r -> r.getVersionInfo().equals("2") && r.getTypeUrl().endsWith("Listener"));
        skipExtProc = true;
      }
      // The recorder keeps every request; drop them so memory stays flat.
      String body =
          "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      URI direct = URI.create("http://127.0.0.1:" + h.upstream.port() + "/v1/chat/completions");
      URI proxied = URI.create("http://127.0.0.1:" + h.port + "/v1/chat/completions");
      sequential(direct, body, 300);
      sequential(proxied, body, 300);
      run(direct, body, rps, 5, h); // warm-up
      run(proxied, body, rps, 10, h);
      long[] d = run(direct, body, rps, seconds, h);
      long[] p = run(proxied, body, rps, seconds, h);
      System.out.printf(
          "rps=%d seconds=%d%n direct  p50=%.3f ms p99=%.3f ms%n proxied p50=%.3f ms p99=%.3f ms%n"
              + " added   p50=%.3f ms p99=%.3f ms (ratio p50 %.2fx)%n",
          rps,
          seconds,
          ms(d, 50),
          ms(d, 99),
          ms(p, 50),
          ms(p, 99),
          ms(p, 50) - ms(d, 50),
          ms(p, 99) - ms(d, 99),
          ms(p, 50) / ms(d, 50));
    }
    System.exit(0);
  }

  private static long[] run(URI uri, String body, int rps, int seconds, ProxyHarness h)
      throws InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4))
            .build();
    int total = rps * seconds;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger pending = new AtomicInteger(total);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    long periodNanos = 1_000_000_000L / rps;
    long start = System.nanoTime() + 10_000_000;
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .header("content-type", "application/json")
            .header("x-gateway-provider", "openai")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    for (int i = 0; i < total; i++) {
      long intended = start + i * periodNanos;
      timer.schedule(
          () ->
              client
                  .sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                  .whenComplete(
                      (r, t) -> {
                        // Measured from the intended send time: no coordinated omission.
                        if (t != null || r.statusCode() != 200) {
                          if (errors.incrementAndGet() == 1) {
                            System.out.println(
                                "first error: " + (t != null ? t : "status " + r.statusCode()));
                          }
                        } else {
                          latencies.add(System.nanoTime() - intended);
                        }
                        pending.decrementAndGet();
                      }),
          intended - System.nanoTime(),
          TimeUnit.NANOSECONDS);
    }
    while (pending.get() > 0) {
      Thread.sleep(50);
      h.upstream.received.clear();
    }
    timer.shutdownNow();
    if (errors.get() > 0) {
      System.out.println(uri + ": " + errors.get() + " errors");
    }
    long[] out = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(out);
    return out;
  }

  private static void sequential(URI uri, String body, int n) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long[] lat = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      var r =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("x-gateway-provider", "openai")
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      lat[i] = System.nanoTime() - t0;
      if (r.statusCode() != 200) {
        System.out.println("sequential status " + r.statusCode());
      }
    }
    Arrays.sort(lat);
    System.out.printf("sequential %s p50=%.3f ms p99=%.3f ms%n", uri, ms(lat, 50), ms(lat, 99));
  }

  private static double ms(long[] sorted, int percentile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1_000_000.0;
  }

  private LatencyBench() {}
}
