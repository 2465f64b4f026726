package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.cooldown.TargetCooldown;
import dev.aigateway.db.cooldown.TargetCooldownRepository;
import dev.aigateway.db.testing.PostgresExtension;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 19, quota-aware skip: a target's stored cooldown reaches Envoy as the DEGRADED health of
 * its endpoint in the model's cluster, pushed without a config revision, and ends on time.
 */
@ExtendWith(PostgresExtension.class)
class TargetCooldownXdsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(8);

  private final Database db;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  TargetCooldownXdsTest(Database db) {
    this.db = db;
  }

  @BeforeEach
  void resetConfig() {
    TestConfig.reset(db);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) {
      c.close();
    }
  }

  private AdsClient node() {
    XdsServer server =
        XdsServer.start(TestConfig.replica("replica-a"), db, new SimpleMeterRegistry());
    cleanup.add(server);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    cleanup.add(channel::shutdownNow);
    AdsClient node = new AdsClient(channel, "envoy-1", "default");
    cleanup.add(node);
    return node;
  }

  /** Target id to health status of the model cluster's endpoints in the last accepted CDS. */
  private static Map<String, HealthStatus> health(AdsClient node) throws Exception {
    Map<String, HealthStatus> health = new LinkedHashMap<>();
    DiscoveryResponse cds = node.accepted(AdsClient.CDS);
    if (cds == null) {
      return health;
    }
    for (var any : cds.getResourcesList()) {
      Cluster c = any.unpack(Cluster.class);
      if (!c.getName().equals("model_chat")) {
        continue;
      }
      for (var level : c.getLoadAssignment().getEndpointsList()) {
        for (LbEndpoint e : level.getLbEndpointsList()) {
          String target =
              e.getMetadata()
                  .getFilterMetadataOrThrow("dev.aigateway")
                  .getFieldsOrThrow("target")
                  .getStringValue();
          health.put(target, e.getHealthStatus());
        }
      }
    }
    return health;
  }

  private static Map<String, HealthStatus> await(
      AdsClient node, Predicate<Map<String, HealthStatus>> condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    Map<String, HealthStatus> health = health(node);
    while (!condition.test(health)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("model_chat endpoints still " + health + ", " + node.versions());
      }
      Thread.sleep(20);
      health = health(node);
    }
    return health;
  }

  private static String target(int position) {
    return UUID.nameUUIDFromBytes(("chat/" + position).getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Test
  void aStoredCooldownMakesItsEndpointDegradedUntilItEnds() throws Exception {
    TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com");
    TestConfig.addProvider(db, "vllm", "openai_compatible", "http://10.1.2.3:8000/v1");
    long revision =
        TestConfig.addModel(db, "chat", new String[] {"openai", "vllm"}, new int[] {1, 1});
    AdsClient node = node();
    node.awaitVersion(Long.toString(revision), PATIENCE);
    assertThat(health(node))
        .containsOnlyKeys(target(0), target(1))
        .containsValues(HealthStatus.UNKNOWN);

    Instant ends = Instant.now().plusSeconds(2);
    TargetCooldownRepository.publish(
        db.dsl(), List.of(new TargetCooldown(UUID.fromString(target(0)), ends, 429)));

    Map<String, HealthStatus> cooling = await(node, h -> h.get(target(0)) == HealthStatus.DEGRADED);
    assertThat(cooling.get(target(1))).isEqualTo(HealthStatus.UNKNOWN);
    String version = node.accepted(AdsClient.CDS).getVersionInfo();
    assertThat(version).startsWith(revision + "-cooldown-");
    assertThat(ConfigRevisions.current(db.dsl()))
        .as("a cooldown is not configuration")
        .isEqualTo(revision);
    assertThat(Instant.now()).isBefore(ends);

    Map<String, HealthStatus> after = await(node, h -> h.get(target(0)) == HealthStatus.UNKNOWN);
    assertThat(Instant.now()).isAfter(ends);
    assertThat(after.get(target(1))).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(node.accepted(AdsClient.CDS).getVersionInfo()).isEqualTo(Long.toString(revision));
  }

  @Test
  void theRereadAtTheEndOfACooldownNeverSpinsOnAnEndAlreadyPast() {
    XdsState state =
        new XdsState(1, List.of(), List.of(), List.of())
            .withCooldowns(Map.of("t", Instant.parse("2026-12-04T10:00:00Z")));
    Instant now = Instant.parse("2026-12-04T10:00:05Z");

    long at = SnapshotPublisher.cooldownRebuildAt(state, now, 1_000);

    assertThat(at - 1_000).isEqualTo(SnapshotPublisher.COOLDOWN_REREAD_FLOOR.toNanos());
    assertThat(
            SnapshotPublisher.cooldownRebuildAt(
                new XdsState(1, List.of(), List.of(), List.of()), now, 1_000))
        .isEqualTo(Long.MAX_VALUE);
  }
}
