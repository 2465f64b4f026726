package dev.aigateway.proxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LoadBalancer balancer = new LoadBalancer(now::get);

  /** Two targets of one model on the same provider address, first choice and fallback. */
  private final Endpoint first = target("t-first", 0);

  private final Endpoint fallback = target("t-fallback", 1);
  private final ClusterSpec cluster = cluster(List.of(first, fallback));

  @Test
  void failuresOfOneTargetDoNotEjectAnotherTargetOnTheSameAddress() {
    for (int i = 0; i < 3; i++) {
      balancer.record(cluster, first, LoadBalancer.Result.GATEWAY_FAILURE);
    }

    assertThat(balancer.ejected(cluster, first)).isTrue();
    assertThat(balancer.ejected(cluster, fallback)).isFalse();
    // The ejected first level spills all of its load to the fallback on the same address.
    for (int point = 0; point < 10_000; point += 997) {
      int p = point;
      assertThat(balancer.choose(cluster, Set.of(), Set.of(), 0, bound -> p % bound))
          .isEqualTo(fallback);
    }
  }

  @Test
  void successesOfOneTargetDoNotResetTheFailureCountOfAnother() {
    balancer.record(cluster, first, LoadBalancer.Result.GATEWAY_FAILURE);
    balancer.record(cluster, first, LoadBalancer.Result.GATEWAY_FAILURE);
    balancer.record(cluster, fallback, LoadBalancer.Result.SUCCESS);
    balancer.record(cluster, first, LoadBalancer.Result.GATEWAY_FAILURE);

    assertThat(balancer.ejected(cluster, first)).isTrue();
  }

  @Test
  void anEjectedTargetComesBackAfterItsEjectionTime() {
    for (int i = 0; i < 3; i++) {
      balancer.record(cluster, first, LoadBalancer.Result.SERVER_ERROR);
    }
    assertThat(balancer.ejected(cluster, first)).isTrue();

    now.addAndGet(Duration.ofSeconds(30).toNanos());

    assertThat(balancer.ejected(cluster, first)).isFalse();
  }

  private static Endpoint target(String id, int priority) {
    return new Endpoint(
        "127.0.0.1",
        8443,
        priority,
        1,
        "provider.example",
        Map.of("ai_gateway", Map.of("target", id)),
        null);
  }

  private static ClusterSpec cluster(List<Endpoint> endpoints) {
    return new ClusterSpec(
        "model_chat",
        endpoints,
        null,
        null,
        false,
        Duration.ofSeconds(5),
        1 << 20,
        null,
        null,
        null,
        null,
        new OutlierSpec(3, 3, Duration.ofSeconds(30), Duration.ofSeconds(300), 100));
  }
}
