package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.controlplane.admin.provider.UpstreamAddressPolicy;
import dev.aigateway.controlplane.http.PortInUseException;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigChangeListener;
import dev.aigateway.db.cooldown.TargetCooldownRepository;
import io.envoyproxy.controlplane.cache.SnapshotConsistencyException;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS server of one control-plane replica: ADS (state of the world and delta) on gRPC, fed from
 * the database on every config change, recording each node's status in {@code fleet_nodes}.
 */
public final class XdsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XdsServer.class);
  private static final Duration FIRST_PUBLISH = Duration.ofSeconds(60);

  private final Server grpc;
  private final SnapshotPublisher publisher;
  private final ConfigChangeListener changes;
  private final FleetNodeWriter writer;

  private XdsServer(
      Server grpc,
      SnapshotPublisher publisher,
      ConfigChangeListener changes,
      FleetNodeWriter writer) {
    this.grpc = grpc;
    this.publisher = publisher;
    this.changes = changes;
    this.writer = writer;
  }

  /**
   * A state kept on disk to serve until the database answers.
   *
   * @param savedAt when it was read from the database
   */
  public record LastGoodState(XdsState state, Instant savedAt) {
    public LastGoodState {
      requireNonNull(state, "state");
      requireNonNull(savedAt, "savedAt");
    }
  }

  /**
   * Loads the current config, then starts serving on {@code bindAddress:xdsPort} (0: any free
   * port). Nodes connecting right after get the current config, never an empty one.
   */
  public static XdsServer start(
      ControlPlaneSettings settings, Database database, MeterRegistry registry) {
    return start(settings, database, registry, state -> {}, null);
  }

  /**
   * As above; every state read from the database is handed to {@code onRead}, and with a {@code
   * lastGood} state the server starts serving it at once instead of waiting for the database.
   */
  public static XdsServer start(
      ControlPlaneSettings settings,
      Database database,
      MeterRegistry registry,
      Consumer<XdsState> onRead,
      @Nullable LastGoodState lastGood) {
    requireNonNull(settings, "settings");
    requireNonNull(database, "database");
    requireNonNull(registry, "registry");
    SimpleCache<String> cache = new SimpleCache<>(node -> node.getCluster());
    SnapshotAssembler assembler =
        new SnapshotAssembler(
            new ExtProcTarget(
                settings.extProcHost(), settings.extProcPort(), settings.security().envoyTls()),
            EnvoyOptions.fromEnvironment(System.getenv()),
            UpstreamAddressPolicy.neverAllowed(java.net.InetAddress::getAllByName)::problem);
    SnapshotPublisher publisher =
        new SnapshotPublisher(
            cache, () -> XdsStateReader.read(database.dsl()), assembler, registry, onRead);
    FleetNodeWriter writer = new FleetNodeWriter(database.dsl(), settings.replicaId());
    publisher.start();
    writer.start();
    ConfigChangeListener changes =
        ConfigChangeListener.start(
            database::openDedicatedConnection,
            publisher::announce,
            TargetCooldownRepository.CHANNEL,
            publisher::cooldownsChanged);
    try {
      if (lastGood != null) {
        publisher.serveLastGood(lastGood.state(), lastGood.savedAt());
      }
      awaitFirstPublish(publisher);
      FleetStatusCallbacks callbacks =
          new FleetStatusCallbacks(
              fleet -> publisher.fleets().contains(fleet), writer, Clock.systemUTC(), registry);
      // Snapshots share resource instances across every stream of a fleet: packing each into an
      // Any once, not once per stream, is what keeps a push to a thousand nodes cheap.
      V3DiscoveryServer discovery =
          new V3DiscoveryServer(
              List.of(callbacks),
              cache,
              new DefaultExecutorGroup(),
              new CachedProtoResourcesSerializer());
      Server grpc =
          XdsServerLimits.builder(settings)
              .addService(
                  ServerInterceptors.intercept(
                      discovery.getAggregatedDiscoveryServiceImpl(), new AdsRequestInterceptor()))
              // Envoys keep one ADS stream open for their lifetime; keepalives find dead peers.
              .keepAliveTime(30, TimeUnit.SECONDS)
              .permitKeepAliveTime(10, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .build()
              .start();
      log.info(
          "xDS (ADS, state of the world and delta) listening on {}:{} ({})",
          settings.bindAddress(),
          grpc.getPort(),
          settings.security().xdsTls() == null ? "plaintext" : "mutual TLS");
      return new XdsServer(grpc, publisher, changes, writer);
    } catch (IOException e) {
      close(changes, publisher, writer);
      if (PortInUseException.isBindFailure(e)) {
        throw new PortInUseException(settings.bindAddress(), settings.xdsPort(), e);
      }
      throw new UncheckedIOException(
          "cannot listen for xDS on " + settings.bindAddress() + ":" + settings.xdsPort(), e);
    } catch (RuntimeException | SnapshotConsistencyException e) {
      close(changes, publisher, writer);
      if (e instanceof SnapshotConsistencyException inconsistent) {
        throw new IllegalStateException("the last good Envoy config is inconsistent", inconsistent);
      }
      throw (RuntimeException) e;
    }
  }

  private static void awaitFirstPublish(SnapshotPublisher publisher) {
    long deadline = System.nanoTime() + FIRST_PUBLISH.toNanos();
    while (publisher.publishedRevision() < 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not build Envoy config from the database within "
                + FIRST_PUBLISH.toSeconds()
                + " s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading Envoy config", e);
      }
    }
  }

  /** The port the xDS server listens on. */
  public int port() {
    return grpc.getPort();
  }

  /** Where the served config came from (the database, or the last good state on disk). */
  public ConfigSource source() {
    ConfigSource source = publisher.source();
    if (source == null) {
      throw new IllegalStateException("not started");
    }
    return source;
  }

  /** The config revision the served snapshots were built from. */
  public long publishedRevision() {
    return publisher.publishedRevision();
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    try {
      grpc.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close(changes, publisher, writer);
  }

  private static void close(AutoCloseable... parts) {
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("error while stopping the xDS server", e);
      }
    }
  }
}
