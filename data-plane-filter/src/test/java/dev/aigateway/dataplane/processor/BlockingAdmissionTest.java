package dev.aigateway.dataplane.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.GatewayHarness;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.dataplane.testing.TestConfig.IssuedKey;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Messages are answered on the gRPC transport thread, except a request body whose admission needs
 * the database: that one is processed again on a thread that may block, and the stream carries on
 * from there in order.
 */
@ExtendWith(PostgresExtension.class)
class BlockingAdmissionTest {
  private static final String CHAT =
      "{\"model\":\"%s\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  private static final List<String> tryThreads = new CopyOnWriteArrayList<>();
  private static final List<String> admitThreads = new CopyOnWriteArrayList<>();
  private static final List<UsageRecord> settled = new CopyOnWriteArrayList<>();
  private static final AtomicInteger issued = new AtomicInteger();
  private static volatile CountDownLatch release = new CountDownLatch(0);
  private static GatewayHarness gateway;
  private static FakeUpstream upstream;
  private static IssuedKey key;

  /**
   * Decides "fast" models without blocking; every other model needs "the database", which answers
   * once {@link #release} opens, and refuses model "refused".
   */
  private static final Admission ADMISSION =
      new Admission() {
        @Override
        public AdmissionDecision tryAdmit(AdmissionRequest request) {
          tryThreads.add(Thread.currentThread().getName());
          return request.model().equals("fast") || request.model().equals("vertex")
              ? admitted()
              : null;
        }

        @Override
        public AdmissionDecision admit(AdmissionRequest request) {
          admitThreads.add(Thread.currentThread().getName());
          try {
            assertThat(release.await(5, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          if (request.model().equals("refused")) {
            return new AdmissionDecision.Rejected(
                new GatewayError(
                    429,
                    "rate_limit_exceeded",
                    "quota_exceeded",
                    null,
                    "Token quota exceeded.",
                    Map.of("retry-after", "7")));
          }
          return admitted();
        }

        private AdmissionDecision admitted() {
          issued.incrementAndGet();
          return new AdmissionDecision.Admitted(
              new AdmissionTicket() {
                @Override
                public Map<String, String> responseHeaders() {
                  return Map.of();
                }

                @Override
                public void release(UsageRecord record) {
                  settled.add(record);
                }
              });
        }
      };

  @BeforeAll
  static void start(Database db) {
    gateway = new GatewayHarness(db, ADMISSION, 4096);
    upstream = new FakeUpstream(Cassette.openAi("chat-basic.yaml").first().response());
    UUID provider =
        gateway.config.provider(
            "openai-main", "openai", upstream.baseUri() + "/v1", "{}", "sk-upstream");
    gateway.route("openai-main", upstream.baseUri());
    for (String model : List.of("fast", "checked", "refused")) {
      gateway.config.model(model, TestConfig.target(provider, "gpt-5-nano"));
    }
    // A service-account credential may need a token fetch; this one's key is not a key, so the
    // request fails at credential injection, after admission.
    UUID vertex =
        gateway.config.provider(
            "vertex",
            "gcp_vertex",
            upstream.baseUri().toString(),
            "{\"project\":\"p\",\"location\":\"l\"}",
            "gcp_service_account",
            Map.of("service_account_json", "not-a-service-account-key"));
    gateway.config.model("vertex", TestConfig.target(vertex, "gemini-2.5-flash"));
    key = gateway.config.key("main");
    gateway.awaitConfig();
  }

  @AfterAll
  static void stop() {
    upstream.close();
    gateway.close();
  }

  private static Exchange send(String model) {
    try (EnvoyLikeClient client = gateway.client()) {
      return client.send(
          ClientRequest.postJson("/v1/chat/completions", key.secret(), CHAT.formatted(model)));
    }
  }

  @Test
  void admissionDecidedWithoutTheDatabaseStaysOnTheTransportThread() {
    tryThreads.clear();
    admitThreads.clear();
    Exchange exchange = send("fast");

    assertThat(exchange.protocolErrors()).isEmpty();
    assertThat(exchange.status()).isEqualTo(200);
    assertThat(admitThreads).isEmpty();
    assertThat(tryThreads).singleElement().asString().doesNotStartWith("ext-proc-blocking-");
  }

  @Test
  void admissionThatNeedsTheDatabaseRunsWhereItMayBlockAndTheStreamGoesOnInOrder()
      throws Exception {
    tryThreads.clear();
    admitThreads.clear();
    settled.clear();
    gateway.usage.clear();
    release = new CountDownLatch(1);
    ExecutorService client = Executors.newSingleThreadExecutor();
    try {
      Future<Exchange> pending = client.submit(() -> send("checked"));
      // The blocked admission holds its own thread only: another request is served meanwhile.
      Exchange other = send("fast");
      assertThat(other.status()).isEqualTo(200);
      assertThat(pending.isDone()).isFalse();
      release.countDown();
      Exchange exchange = pending.get(10, TimeUnit.SECONDS);

      assertThat(exchange.protocolErrors()).isEmpty();
      assertThat(exchange.status()).isEqualTo(200);
      assertThat(exchange.bodyText())
          .isEqualTo(Cassette.openAi("chat-basic.yaml").first().response().bodyText());
      assertThat(admitThreads).singleElement().asString().startsWith("ext-proc-blocking-");
      assertThat(gateway.nextUsage().model()).isIn("checked", "fast");
      assertThat(gateway.nextUsage().model()).isIn("checked", "fast");
      // Each attempt is charged when its stream ends, which may come just after its usage record.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (settled.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(settled).extracting(UsageRecord::model).contains("checked", "fast");
    } finally {
      release.countDown();
      client.shutdownNow();
    }
  }

  @Test
  void aRequestDeferredForItsCredentialsReservesItsQuotaOnceAndGivesItBack() {
    release = new CountDownLatch(0);
    issued.set(0);
    settled.clear();
    Exchange exchange = send("vertex");

    assertThat(exchange.status()).isEqualTo(502);
    assertThat(issued).hasValue(1);
    // The router point gives the reservation back when its stream ends, just after the answer.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (settled.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(settled).singleElement().extracting(UsageRecord::model).isEqualTo("vertex");
  }

  @Test
  void refusalDecidedInTheDatabaseIsA429() {
    release = new CountDownLatch(0);
    Exchange exchange = send("refused");

    assertThat(exchange.status()).isEqualTo(429);
    assertThat(exchange.headers()).containsEntry("retry-after", "7");
    assertThat(exchange.bodyText()).contains("quota_exceeded");
  }
}
