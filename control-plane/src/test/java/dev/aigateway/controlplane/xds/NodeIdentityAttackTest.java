package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.jooq.Tables;
import dev.aigateway.db.testing.PostgresExtension;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 11, replayed: one xDS node whose id held a NUL made every batched fleet status
 * write fail, so status froze for every node. Now such a node is refused at the door, a NACK
 * message with a NUL is stored cleaned, and the other nodes' status keeps being written.
 */
@ExtendWith(PostgresExtension.class)
class NodeIdentityAttackTest {
  private static final Duration PATIENCE = Duration.ofSeconds(5);

  @Test
  void nodeIdWithNulIsRefusedAndOtherNodesStatusKeepsFlowing(Database db) throws Exception {
    TestConfig.reset(db);
    try (XdsServer server =
        XdsServer.start(
            new ControlPlaneSettings(
                "127.0.0.1",
                0,
                0,
                "127.0.0.1",
                18001,
                null,
                "replica-nul",
                new byte[32],
                List.of()),
            db,
            new SimpleMeterRegistry())) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      String version = Long.toString(ConfigRevisions.current(db.dsl()));
      try {
        for (String bad : new String[] {"evil\u0000node", "x".repeat(5000), "line\nbreak"}) {
          try (AdsClient evil = new AdsClient(channel, bad, "default")) {
            assertThatThrownBy(() -> evil.awaitVersion(version, PATIENCE))
                .hasMessageContaining("ADS stream failed");
          }
        }
        try (AdsClient evilFleet = new AdsClient(channel, "node-x", "fleet\u0000x")) {
          assertThatThrownBy(() -> evilFleet.awaitVersion(version, PATIENCE))
              .hasMessageContaining("ADS stream failed");
        }
        try (AdsClient good = new AdsClient(channel, "good-node", "default")) {
          good.awaitVersion(version, PATIENCE);
          awaitStatus(db, "good-node");
        }
        assertThat(
                db.dsl().fetchCount(Tables.FLEET_NODES, Tables.FLEET_NODES.NODE_ID.like("%evil%")))
            .isZero();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitStatus(Database db, String nodeId) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      var row =
          db.dsl()
              .selectFrom(Tables.FLEET_NODES)
              .where(Tables.FLEET_NODES.NODE_ID.eq(nodeId))
              .fetchOne();
      if (row != null) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("status of " + nodeId + " not written within " + PATIENCE);
  }

  @Test
  void nackMessagesAreStoredWithoutNulAndBounded() {
    assertThat(NodeIdentity.cleanNack("bad\u0000thing\nline")).isEqualTo("bad\uFFFDthing\nline");
    assertThat(NodeIdentity.cleanNack("e".repeat(100_000))).hasSize(NodeIdentity.MAX_NACK_LENGTH);
  }
}
