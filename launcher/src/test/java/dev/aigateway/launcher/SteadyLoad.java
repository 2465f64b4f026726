package dev.aigateway.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Chat completions at a fixed rate through the gateway's OpenAI API, each with its own {@code
 * x-request-id}, recording what the client saw. Plain HTTP: a refused connection must count as a
 * refusal, not be retried away by an SDK.
 */
final class SteadyLoad implements AutoCloseable {
  /**
   * One request as the client saw it: the {@code x-request-id} the gateway answered with (the id
   * the ledger records), else the one the client sent; status 0 when no HTTP response came back;
   * how long the answer (or the failure) took, which tells a connection closed at once from one
   * that waited.
   */
  record Outcome(
      String requestId,
      boolean idFromGateway,
      long sentNanos,
      long tookMillis,
      int status,
      @Nullable String error) {
    boolean served() {
      return status == 200;
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ConcurrentLinkedQueue<CompletableFuture<Outcome>> calls =
      new ConcurrentLinkedQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final URI uri;
  private final String apiKey;
  private final String model;
  private final String idPrefix;

  SteadyLoad(int proxyPort, String apiKey, String model, String idPrefix) {
    this.uri = URI.create("http://127.0.0.1:" + proxyPort + "/v1/chat/completions");
    this.apiKey = apiKey;
    this.model = model;
    this.idPrefix = idPrefix;
  }

  /** Starts sending {@code perSecond} requests a second. */
  void start(int perSecond) {
    timer.scheduleAtFixedRate(this::sendOne, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
  }

  private void sendOne() {
    String id = idPrefix + sequence.incrementAndGet();
    long sent = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .header("x-request-id", id)
            .timeout(Duration.ofSeconds(15))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\""
                        + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}"))
            .build();
    calls.add(
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .handle(
                (response, error) -> {
                  long took = (System.nanoTime() - sent) / 1_000_000;
                  return response != null
                      ? new Outcome(
                          response.headers().firstValue("x-request-id").orElse(id),
                          response.headers().firstValue("x-request-id").isPresent(),
                          sent,
                          took,
                          response.statusCode(),
                          null)
                      : new Outcome(id, false, sent, took, 0, String.valueOf(error));
                }));
  }

  /** Stops sending, waits for the calls in flight, and returns every outcome in sending order. */
  List<Outcome> stop() throws Exception {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    List<Outcome> outcomes = new ArrayList<>();
    for (CompletableFuture<Outcome> call : calls) {
      outcomes.add(call.get(30, TimeUnit.SECONDS));
    }
    return outcomes;
  }

  /** The outcomes completed so far. */
  List<Outcome> completed() {
    return calls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
