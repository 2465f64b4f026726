package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.jooq.Tables;
import dev.aigateway.db.testing.PostgresExtension;
import dev.aigateway.tls.DevCertificates;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 item 6, replayed on xDS: anyone who reached the port read the whole fleet config and
 * wrote fleet status. With mutual TLS only a client certificate from the gateway CA gets a stream.
 */
@ExtendWith(PostgresExtension.class)
class XdsMutualTlsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(5);
  private static Database db;
  private static TlsFiles gateway;
  private static TlsFiles other;
  private static TlsFiles envoyFiles;
  private static XdsServer server;

  @BeforeAll
  static void start(Database database) throws Exception {
    db = database;
    TestConfig.reset(db);
    Path dir = Files.createTempDirectory("xds-mtls");
    gateway = DevCertificates.create(dir.resolve("gateway"), List.of());
    other = DevCertificates.create(dir.resolve("other"), List.of());
    envoyFiles = TlsFiles.inDirectory(Path.of("/etc/envoy/gateway-tls"));
    server =
        XdsServer.start(
            new ControlPlaneSettings(
                    "127.0.0.1",
                    0,
                    0,
                    "ext-proc.gateway.svc",
                    18001,
                    "token",
                    "replica-tls",
                    new byte[32],
                    List.of())
                .withSecurity(new ControlPlaneSecurity(gateway, envoyFiles, null, false)),
            db,
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void plaintextPeerReadsNoConfigAndWritesNoFleetStatus() throws Exception {
    assertRefused(InsecureChannelCredentials.create(), "intruder-plain");
  }

  @Test
  void peerWithoutClientCertificateIsRefused() throws Exception {
    assertRefused(
        TlsChannelCredentials.newBuilder().trustManager(gateway.ca().toFile()).build(),
        "intruder-nocert");
  }

  @Test
  void peerWithCertificateFromAnotherCaIsRefused() throws Exception {
    assertRefused(
        TlsChannelCredentials.newBuilder()
            .keyManager(other.cert().toFile(), other.key().toFile())
            .trustManager(gateway.ca().toFile())
            .build(),
        "intruder-otherca");
  }

  @Test
  void envoyWithGatewayCertificateGetsConfigWithMutualTlsToExtProc() throws Exception {
    ManagedChannel channel = channel(gateway.channelCredentials());
    try (AdsClient node = new AdsClient(channel, "envoy-tls", "default")) {
      node.awaitVersion(Long.toString(ConfigRevisions.current(db.dsl())), PATIENCE);
      Cluster extProc =
          node.accepted(AdsClient.CDS).getResourcesList().stream()
              .map(r -> unpack(r))
              .filter(c -> c.getName().equals(XdsNames.EXT_PROC_CLUSTER))
              .findFirst()
              .orElseThrow();
      UpstreamTlsContext tls =
          extProc.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
      assertThat(tls.getSni()).isEqualTo("ext-proc.gateway.svc");
      var common = tls.getCommonTlsContext();
      assertThat(common.getTlsCertificates(0).getCertificateChain().getFilename())
          .isEqualTo(envoyFiles.cert().toString());
      assertThat(common.getTlsCertificates(0).getPrivateKey().getFilename())
          .isEqualTo(envoyFiles.key().toString());
      assertThat(common.getValidationContext().getTrustedCa().getFilename())
          .isEqualTo(envoyFiles.ca().toString());
      assertThat(
              common.getValidationContext().getMatchTypedSubjectAltNames(0).getMatcher().getExact())
          .isEqualTo("ext-proc.gateway.svc");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void assertRefused(ChannelCredentials credentials, String nodeId)
      throws Exception {
    ManagedChannel channel = channel(credentials);
    try (AdsClient node = new AdsClient(channel, nodeId, "default")) {
      assertThatThrownBy(
              () -> node.awaitVersion(Long.toString(ConfigRevisions.current(db.dsl())), PATIENCE))
          .hasMessageContaining("ADS stream failed");
      assertThat(node.accepted(AdsClient.CDS)).isNull();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    Thread.sleep(300); // the fleet status writer batches; give a wrongly accepted node time
    assertThat(db.dsl().fetchCount(Tables.FLEET_NODES, Tables.FLEET_NODES.NODE_ID.eq(nodeId)))
        .isZero();
  }

  private static ManagedChannel channel(ChannelCredentials credentials) {
    return Grpc.newChannelBuilderForAddress("localhost", server.port(), credentials).build();
  }

  private static Cluster unpack(com.google.protobuf.Any any) {
    try {
      return any.unpack(Cluster.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
