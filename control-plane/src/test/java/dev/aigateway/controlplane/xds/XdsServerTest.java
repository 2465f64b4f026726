package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.testing.PostgresExtension;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class XdsServerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(5);

  private final Database db;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  XdsServerTest(Database db) {
    this.db = db;
  }

  @BeforeEach
  void resetConfig() {
    TestConfig.reset(db);
    db.dsl().deleteFrom(dev.aigateway.db.jooq.Tables.FLEET_NODES).execute();
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) {
      c.close();
    }
  }

  private XdsServer startReplica(String replicaId, SimpleMeterRegistry registry) {
    XdsServer server = XdsServer.start(TestConfig.replica(replicaId), db, registry);
    cleanup.add(server);
    return server;
  }

  private XdsServer startReplica(String replicaId) {
    return startReplica(replicaId, new SimpleMeterRegistry());
  }

  private ManagedChannel channel(XdsServer server) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    cleanup.add(() -> channel.shutdownNow());
    return channel;
  }

  private AdsClient client(ManagedChannel channel, String nodeId, String fleet) {
    AdsClient client = new AdsClient(channel, nodeId, fleet);
    cleanup.add(client);
    return client;
  }

  private String currentVersion() {
    return Long.toString(ConfigRevisions.current(db.dsl()));
  }

  @Test
  void nodeReceivesAConsistentSnapshotOfItsFleet() throws Exception {
    TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com");
    TestConfig.addProvider(db, "vllm", "openai_compatible", "http://10.1.2.3:8000/v1");
    XdsServer server = startReplica("replica-a");

    AdsClient node = client(channel(server), "envoy-1", "default");
    node.awaitVersion(currentVersion(), PATIENCE);

    List<String> clusters = names(node.accepted(AdsClient.CDS), Cluster.class);
    assertThat(clusters)
        .containsExactlyInAnyOrder("ai_gateway_ext_proc", "provider_openai", "provider_vllm");
    assertThat(names(node.accepted(AdsClient.LDS), Listener.class))
        .containsExactly("listener_default");
    RouteConfiguration routes =
        node.accepted(AdsClient.RDS).getResources(0).unpack(RouteConfiguration.class);
    assertThat(routes.getName()).isEqualTo("routes_default");
    routes.getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.hasRoute())
        .forEach(r -> assertThat(clusters).contains(r.getRoute().getCluster()));
  }

  @Test
  void committedChangeIsPushedToEverySubscribedNode() throws Exception {
    XdsServer server = startReplica("replica-a");
    ManagedChannel channel = channel(server);
    List<AdsClient> nodes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      nodes.add(client(channel, "envoy-" + i, "default"));
    }
    DeltaAdsClient delta = new DeltaAdsClient(channel, "envoy-delta", "default", "routes_default");
    cleanup.add(delta);
    for (AdsClient node : nodes) {
      node.awaitVersion(currentVersion(), PATIENCE);
    }
    delta.await(AdsClient.LDS, "listener_default", any -> true, PATIENCE);

    // The publisher's periodic re-read is 60 s; a change every node has well before it was pushed
    // on the commit's NOTIFY. How fast (the 1 s target) is XdsPushBenchmark's figure: as a bound in
    // a unit test it failed on a loaded 2-core machine from scheduling alone.
    Duration pushed = Duration.ofSeconds(10);
    long committed = System.nanoTime();
    String version =
        Long.toString(
            TestConfig.addProvider(db, "anthropic", "anthropic", "https://api.anthropic.com"));

    for (AdsClient node : nodes) {
      node.awaitVersion(version, pushed);
      assertThat(Duration.ofNanos(node.receivedAtNanos(version) - committed)).isLessThan(pushed);
      assertThat(names(node.accepted(AdsClient.CDS), Cluster.class)).contains("provider_anthropic");
    }
    delta.await(AdsClient.CDS, "provider_anthropic", any -> true, pushed);
    delta.await(
        AdsClient.RDS,
        "routes_default",
        any -> unpack(any, RouteConfiguration.class).toString().contains("provider_anthropic"),
        pushed);
    assertThat(Duration.ofNanos(System.nanoTime() - committed)).isLessThan(pushed);
  }

  @Test
  void nackIsRecordedWithEnvoysErrorAndListedForTheFleet() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    XdsServer server = startReplica("replica-a", registry);
    AdsClient node = client(channel(server), "envoy-nack", "default");
    String good = currentVersion();
    node.awaitVersion(good, PATIENCE);
    node.rejectWith(
        (type, response) ->
            type.equals(AdsClient.CDS) ? "Proto constraint validation failed (test)" : null);

    String rejected =
        Long.toString(TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com"));

    FleetNodes.Node status =
        awaitNode(
            "default",
            "envoy-nack",
            n -> n.lastNack() != null && n.lastNack().version().equals(rejected));
    assertThat(status.lastNack().typeUrl()).isEqualTo(AdsClient.CDS);
    assertThat(status.lastNack().error()).isEqualTo("Proto constraint validation failed (test)");
    assertThat(status.ackedVersions()).containsEntry(AdsClient.CDS, good);
    assertThat(status.replicaId()).isEqualTo("replica-a");
    assertThat(status.connected()).isTrue();
    assertThat(status.assigned()).isTrue();
    assertThat(registry.find("gateway.xds.nacks").counter().count()).isEqualTo(1.0);
    assertThat(registry.find("gateway.xds.connected.nodes").gauge().value()).isEqualTo(1.0);
    assertThat(registry.find("gateway.xds.pushes").counters()).isNotEmpty();
  }

  @Test
  void deltaNackIsRecordedWithTheRejectedVersion() throws Exception {
    XdsServer server = startReplica("replica-a");
    DeltaAdsClient delta =
        new DeltaAdsClient(channel(server), "envoy-delta-nack", "default", "routes_default");
    cleanup.add(delta);
    delta.await(AdsClient.LDS, "listener_default", any -> true, PATIENCE);
    delta.rejectWhen(r -> r.getTypeUrl().equals(AdsClient.CDS));

    String rejected =
        Long.toString(
            TestConfig.addProvider(
                db, "gemini", "gemini", "https://generativelanguage.googleapis.com"));

    FleetNodes.Node status =
        awaitNode(
            "default",
            "envoy-delta-nack",
            n -> n.lastNack() != null && n.lastNack().version().equals(rejected));
    assertThat(status.lastNack().error()).isEqualTo("rejected by test");
    assertThat(status.ackedVersions()).containsKey(AdsClient.LDS);
  }

  @Test
  void nodeReconnectingAfterRestartIsGivenTheSameVersion() throws Exception {
    TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com");
    XdsServer first = startReplica("replica-a");
    AdsClient before = client(channel(first), "envoy-r", "default");
    String version = currentVersion();
    before.awaitVersion(version, PATIENCE);
    Map<String, String> versions = before.versions();
    first.close();

    XdsServer restarted = startReplica("replica-a");
    ManagedChannel channel = channel(restarted);
    AdsClient fresh = client(channel, "envoy-fresh", "default");
    fresh.awaitVersion(version, PATIENCE);
    for (String type : List.of(AdsClient.CDS, AdsClient.LDS, AdsClient.RDS)) {
      assertThat(fresh.accepted(type).getResourcesList())
          .isEqualTo(before.accepted(type).getResourcesList());
    }
    // Envoy reconnecting states the versions it runs; the same state means nothing to resend.
    AdsClient reconnected = new AdsClient(channel, "envoy-r", "default", versions);
    cleanup.add(reconnected);
    Thread.sleep(300);
    assertThat(reconnected.responseCount()).isZero();
    FleetNodes.Node status =
        awaitNode("default", "envoy-r", n -> n.connected() && n.ackedVersions().size() >= 2);
    assertThat(status.ackedVersions()).containsEntry(AdsClient.CDS, version);
  }

  @Test
  void twoReplicasServeTheSameVersionAndResources() throws Exception {
    XdsServer a = startReplica("replica-a");
    XdsServer b = startReplica("replica-b");
    AdsClient onA = client(channel(a), "envoy-a", "default");
    AdsClient onB = client(channel(b), "envoy-b", "default");

    String version =
        Long.toString(
            TestConfig.addProvider(
                db, "bedrock", "aws_bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com"));
    TestConfig.addFleet(db, "edge", 8443);
    version = currentVersion();

    onA.awaitVersion(version, PATIENCE);
    onB.awaitVersion(version, PATIENCE);
    for (String type : List.of(AdsClient.CDS, AdsClient.LDS, AdsClient.RDS)) {
      assertThat(onB.accepted(type).getResourcesList())
          .isEqualTo(onA.accepted(type).getResourcesList());
    }
    assertThat(awaitNode("default", "envoy-b", n -> true).replicaId()).isEqualTo("replica-b");
    assertThat(awaitNode("default", "envoy-a", n -> true).replicaId()).isEqualTo("replica-a");
  }

  @Test
  void nodeOfUnknownFleetGetsNoConfigAndIsListedAsUnassigned() throws Exception {
    XdsServer server = startReplica("replica-a");
    AdsClient stray = client(channel(server), "envoy-stray", "no-such-fleet");

    FleetNodes.Node status = awaitNode("no-such-fleet", "envoy-stray", n -> true);
    assertThat(status.assigned()).isFalse();
    assertThat(new FleetNodes(db.dsl()).unassigned())
        .extracting(FleetNodes.Node::nodeId)
        .containsExactly("envoy-stray");
    assertThat(stray.responseCount()).isZero();

    String version = Long.toString(TestConfig.addFleet(db, "no-such-fleet", 10001));
    stray.awaitVersion(version, PATIENCE);
    assertThat(names(stray.accepted(AdsClient.LDS), Listener.class))
        .containsExactly("listener_no-such-fleet");
  }

  @Test
  void nodesOfADeletedFleetAreToldToDropTheirConfig() throws Exception {
    TestConfig.addFleet(db, "temp", 10002);
    XdsServer server = startReplica("replica-a");
    AdsClient node = client(channel(server), "envoy-temp", "temp");
    node.awaitVersion(currentVersion(), PATIENCE);
    assertThat(names(node.accepted(AdsClient.LDS), Listener.class))
        .containsExactly("listener_temp");

    db.dsl()
        .transaction(
            c -> {
              var tx = org.jooq.impl.DSL.using(c);
              tx.deleteFrom(dev.aigateway.db.jooq.Tables.FLEETS)
                  .where(dev.aigateway.db.jooq.Tables.FLEETS.NAME.eq("temp"))
                  .execute();
              ConfigRevisions.bump(tx);
            });

    String version = currentVersion();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!version.equals(node.versions().get(AdsClient.LDS)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(node.accepted(AdsClient.LDS).getVersionInfo()).isEqualTo(version);
    assertThat(node.accepted(AdsClient.LDS).getResourcesList()).isEmpty();
    assertThat(node.accepted(AdsClient.CDS).getResourcesList()).isEmpty();
  }

  @Test
  void closedStreamIsRecordedAsDisconnected() throws Exception {
    XdsServer server = startReplica("replica-a");
    AdsClient node = client(channel(server), "envoy-gone", "default");
    node.awaitVersion(currentVersion(), PATIENCE);
    awaitNode("default", "envoy-gone", FleetNodes.Node::connected);

    node.close();

    FleetNodes.Node status = awaitNode("default", "envoy-gone", n -> !n.connected());
    assertThat(status.ackedVersions()).containsKeys(AdsClient.CDS, AdsClient.LDS, AdsClient.RDS);
  }

  private FleetNodes.Node awaitNode(String fleet, String nodeId, Predicate<FleetNodes.Node> test)
      throws InterruptedException {
    FleetNodes nodes = new FleetNodes(db.dsl());
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    List<FleetNodes.Node> last = List.of();
    while (System.nanoTime() < deadline) {
      last = nodes.ofFleet(fleet);
      for (FleetNodes.Node node : last) {
        if (node.nodeId().equals(nodeId) && test.test(node)) {
          return node;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node " + nodeId + " never reached the expected status: " + last);
  }

  private static <T extends com.google.protobuf.Message> List<String> names(
      DiscoveryResponse response, Class<T> type) {
    return response.getResourcesList().stream()
        .map(any -> io.envoyproxy.controlplane.cache.Resources.getResourceName(unpack(any, type)))
        .toList();
  }

  private static <T extends com.google.protobuf.Message> T unpack(
      com.google.protobuf.Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
