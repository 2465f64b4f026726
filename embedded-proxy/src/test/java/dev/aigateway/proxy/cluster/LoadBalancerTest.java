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

  /** Every choice over the whole range of random points. */
  private java.util.Set<Endpoint> choices(ClusterSpec c, Set<Integer> excludedPriorities) {
    java.util.Set<Endpoint> seen = new java.util.HashSet<>();
    for (int point = 0; point < 10_000; point += 97) {
      int p = point;
      seen.add(balancer.choose(c, excludedPriorities, Set.of(), 0, bound -> p % bound));
    }
    return seen;
  }

  @Test
  void aDegradedFirstLevelGivesAllItsLoadToAHealthyNextLevel() {
    Endpoint cooling = target("t-cooling", 0, HostHealth.DEGRADED);
    ClusterSpec c = cluster(List.of(cooling, fallback));

    assertThat(choices(c, Set.of())).containsExactly(fallback);
    // Once the healthy level was tried (previous_priorities), the degraded one takes the retry.
    assertThat(choices(c, Set.of(1))).containsExactly(cooling);
  }

  @Test
  void aDegradedHostStillServesWhenNothingHealthyIsLeft() {
    Endpoint cooling = target("t-cooling", 0, HostHealth.DEGRADED);

    assertThat(choices(cluster(List.of(cooling)), Set.of())).containsExactly(cooling);
    Endpoint down = target("t-down", 1, HostHealth.UNHEALTHY);
    assertThat(choices(cluster(List.of(cooling, down)), Set.of())).containsExactly(cooling);
  }

  @Test
  void aDegradedHostInAHalfHealthyLevelTakesOnlyWhatTheHealthyOnesCannot() {
    Endpoint healthy = target("t-healthy", 0);
    Endpoint cooling = target("t-cooling", 0, HostHealth.DEGRADED);
    ClusterSpec c = cluster(List.of(healthy, cooling, fallback));

    // Level 0: healthy 70 %, degraded 70 %; level 1 healthy 100 %: the healthy hosts of both
    // levels take all of it (70 + 30), the degraded one nothing.
    assertThat(choices(c, Set.of())).containsExactlyInAnyOrder(healthy, fallback);
  }

  @Test
  void anUnhealthyEndpointIsSetAsideLikeAnEjectedOne() {
    Endpoint down = target("t-down", 0, HostHealth.UNHEALTHY);

    assertThat(choices(cluster(List.of(down, fallback)), Set.of())).containsExactly(fallback);
  }

  @Test
  void aLevelPanicsOnlyWhenTheLevelsTogetherCannotTakeAllTheLoad() {
    Endpoint a = target("t-a", 0);
    Endpoint b = target("t-b", 0, HostHealth.UNHEALTHY);
    Endpoint c = target("t-c", 0, HostHealth.UNHEALTHY);
    // One healthy host in three at level 0 (47 %), a healthy level 1: no panic, so level 0's
    // share goes to its healthy host only (recalculatePerPriorityPanic).
    assertThat(choices(cluster(List.of(a, b, c, fallback)), Set.of()))
        .containsExactlyInAnyOrder(a, fallback);
    // Alone, the level is in panic (under 50 % healthy): every host of it may be chosen.
    assertThat(choices(cluster(List.of(a, b, c)), Set.of())).containsExactlyInAnyOrder(a, b, c);
  }

  private static Endpoint target(String id, int priority) {
    return target(id, priority, HostHealth.HEALTHY);
  }

  private static Endpoint target(String id, int priority, HostHealth health) {
    return new Endpoint(
        "127.0.0.1",
        8443,
        priority,
        1,
        "provider.example",
        Map.of("ai_gateway", Map.of("target", id)),
        null,
        health);
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
