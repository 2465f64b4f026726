package dev.aigateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.admission.Admission;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.config.ConfigStore;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.processor.ExtProcService;
import dev.aigateway.dataplane.processor.ProcessingPoint;
import dev.aigateway.dataplane.processor.ProcessorDependencies;
import dev.aigateway.dataplane.store.postgres.PostgresConfigFeed;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.testing.EnvoyLikeClient;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.ClientRequest;
import dev.aigateway.dataplane.testing.EnvoyLikeClient.Exchange;
import dev.aigateway.dataplane.testing.FakeUpstream;
import dev.aigateway.dataplane.testing.TestConfig;
import dev.aigateway.db.Database;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.testing.PostgresExtension;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 9: work that may block (admission against a database that does not answer) used to
 * get a new thread per request. On the bounded pool, a request that finds every worker busy and the
 * queue full is refused at once with 503, and the ones already admitted finish normally.
 */
@ExtendWith(PostgresExtension.class)
class BlockingPoolSaturationTest {
  private static final String CHAT =
      "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  @Test
  void aFullPoolRefusesWith503InsteadOfStartingAnotherThread(Database db) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Admission hanging =
        new Admission() {
          @Override
          public AdmissionDecision tryAdmit(AdmissionRequest request) {
            return null; // needs "the database"
          }

          @Override
          public AdmissionDecision admit(AdmissionRequest request) {
            entered.countDown();
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new AdmissionDecision.Admitted(AdmissionTicket.NONE);
          }
        };
    TestConfig config = new TestConfig(db);
    ThreadPoolExecutor pool = BlockingPool.create(1, 1);
    ExecutorService clients = Executors.newFixedThreadPool(3);
    try (FakeUpstream upstream =
            new FakeUpstream(Cassette.openAi("chat-basic.yaml").first().response());
        ConfigStore store =
            ConfigStore.start(
                new PostgresConfigFeed(db, new SecretCipher(TestConfig.SECRET_KEY, List.of())))) {
      UUID provider =
          config.provider("openai-main", "openai", upstream.baseUri() + "/v1", "{}", "sk-up");
      config.model("chat", TestConfig.target(provider, "gpt-5-nano"));
      String key = config.key("main").secret();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (store.current().revision() < config.revision() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  ServerInterceptors.intercept(
                      new ExtProcService(
                          ProcessorDependencies.of(
                              store::current, hanging, r -> {}, new CredentialInjector(), 1 << 20),
                          pool),
                      ProcessingPoint.interceptor()))
              .directExecutor()
              .build()
              .start();
      Map<String, java.net.URI> routes = Map.of("openai-main", upstream.baseUri());
      try {
        // One request holds the only worker, one waits in the queue.
        Future<Exchange> first = clients.submit(() -> send(server, routes, key, db));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Exchange> second = clients.submit(() -> send(server, routes, key, db));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getQueue().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        long start = System.nanoTime();
        Exchange refused = send(server, routes, key, db);
        assertThat(refused.status()).as(refused.bodyText()).isEqualTo(503);
        assertThat(refused.bodyText()).contains("overloaded");
        assertThat(refused.headers()).containsEntry("retry-after", "1");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(pool.getLargestPoolSize()).isEqualTo(1);

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      } finally {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      release.countDown();
      clients.shutdownNow();
      pool.shutdownNow();
    }
  }

  private static Exchange send(
      Server server, Map<String, java.net.URI> routes, String key, Database db) {
    try (EnvoyLikeClient client =
        new EnvoyLikeClient(server.getPort(), routes, EnvoyLikeClient.targetsIn(db))) {
      return client.send(ClientRequest.postJson("/v1/chat/completions", key, CHAT));
    }
  }
}
