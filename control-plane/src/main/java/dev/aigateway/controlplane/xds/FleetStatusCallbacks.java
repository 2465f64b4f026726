package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every xDS stream the way Envoy speaks it (node on the first request, ACK = nonce without
 * error, NACK = nonce with {@code error_detail}) and hands each node's status to the writer and the
 * metrics. Runs on gRPC threads, so it only updates memory.
 */
final class FleetStatusCallbacks implements DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(FleetStatusCallbacks.class);

  /** Mutable state of one stream; guarded by its own monitor. */
  private static final class Stream {
    @Nullable String nodeId;
    @Nullable String fleet;
    boolean assigned;
    boolean warnedUnassigned;
    Instant connectedAt = Instant.EPOCH;
    final Map<String, String> acked = new HashMap<>();
    final Map<String, String> sentVersionByNonce = new HashMap<>();
    NodeStatus.@Nullable Nack lastNack;
  }

  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
  private final Map<String, Counter> pushes = new ConcurrentHashMap<>();
  private final Map<String, Counter> nacks = new ConcurrentHashMap<>();
  private final Predicate<String> fleetExists;
  private final FleetNodeWriter writer;
  private final Clock clock;
  private final MeterRegistry registry;

  FleetStatusCallbacks(
      Predicate<String> fleetExists, FleetNodeWriter writer, Clock clock, MeterRegistry registry) {
    this.fleetExists = requireNonNull(fleetExists, "fleetExists");
    this.writer = requireNonNull(writer, "writer");
    this.clock = requireNonNull(clock, "clock");
    this.registry = requireNonNull(registry, "registry");
    registry.gauge(
        "gateway.xds.connected.nodes",
        streams,
        s -> s.values().stream().filter(x -> x.nodeId != null).count());
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new Stream());
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    onRequest(
        streamId,
        request.hasNode() ? request.getNode() : null,
        request.getTypeUrl(),
        request.getResponseNonce(),
        request.getVersionInfo(),
        request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null);
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    onRequest(
        streamId,
        request.hasNode() ? request.getNode() : null,
        request.getTypeUrl(),
        request.getResponseNonce(),
        "",
        request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null);
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    sent(streamId, response.getTypeUrl(), response.getNonce(), response.getVersionInfo());
  }

  @Override
  public void onV3StreamDeltaResponse(
      long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
    sent(streamId, response.getTypeUrl(), response.getNonce(), response.getSystemVersionInfo());
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    closed(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    closed(streamId);
  }

  private void sent(long streamId, String typeUrl, String nonce, String version) {
    Stream stream = streams.get(streamId);
    if (stream != null) {
      synchronized (stream) {
        stream.sentVersionByNonce.put(nonce, version);
      }
    }
    pushes
        .computeIfAbsent(typeUrl, t -> counter("gateway.xds.pushes", "xDS responses sent", t))
        .increment();
  }

  private void onRequest(
      long streamId,
      @Nullable Node node,
      String typeUrl,
      String nonce,
      String versionInfo,
      @Nullable String error) {
    Stream stream = streams.computeIfAbsent(streamId, id -> new Stream());
    NodeStatus status;
    synchronized (stream) {
      Instant now = clock.instant();
      if (stream.nodeId == null) {
        if (node == null) {
          return; // Only the first request must carry the node; without one we cannot report.
        }
        stream.nodeId = node.getId();
        stream.fleet = node.getCluster();
        stream.connectedAt = now;
      }
      String fleet = requireNonNull(stream.fleet);
      boolean assigned = fleetExists.test(fleet);
      if (!assigned && !stream.warnedUnassigned) {
        stream.warnedUnassigned = true;
        log.warn(
            "xDS node '{}' asks for fleet '{}', which does not exist: it gets no config until a"
                + " fleet of that name is created (node.cluster must name a fleet)",
            stream.nodeId,
            fleet);
      }
      if (assigned) {
        stream.warnedUnassigned = false; // warn again should its fleet be deleted later
      }
      stream.assigned = assigned;
      if (!nonce.isEmpty()) {
        String sentVersion = stream.sentVersionByNonce.remove(nonce);
        if (error != null) {
          error = NodeIdentity.cleanNack(error);
          stream.lastNack =
              new NodeStatus.Nack(typeUrl, sentVersion == null ? "" : sentVersion, error, now);
          nacks
              .computeIfAbsent(
                  typeUrl, t -> counter("gateway.xds.nacks", "xDS responses rejected by nodes", t))
              .increment();
          log.warn(
              "xDS node '{}' of fleet '{}' rejected {} version {}: {}",
              stream.nodeId,
              fleet,
              shortType(typeUrl),
              sentVersion,
              error);
        } else {
          String version = versionInfo.isEmpty() ? sentVersion : versionInfo;
          if (version != null && !version.isEmpty()) {
            stream.acked.put(typeUrl, version);
          }
        }
      } else if (!versionInfo.isEmpty()) {
        // A reconnecting node states the version it already runs.
        stream.acked.put(typeUrl, versionInfo);
      }
      status = snapshot(stream, true, now);
    }
    writer.submit(status);
  }

  private void closed(long streamId) {
    Stream stream = streams.remove(streamId);
    if (stream == null) {
      return;
    }
    NodeStatus status;
    synchronized (stream) {
      if (stream.nodeId == null) {
        return;
      }
      status = snapshot(stream, false, clock.instant());
    }
    writer.submit(status);
  }

  private static NodeStatus snapshot(Stream stream, boolean connected, Instant now) {
    return new NodeStatus(
        requireNonNull(stream.nodeId),
        requireNonNull(stream.fleet),
        stream.assigned,
        connected,
        stream.connectedAt,
        now,
        stream.acked,
        stream.lastNack);
  }

  private Counter counter(String name, String description, String typeUrl) {
    return Counter.builder(name)
        .description(description)
        .tag("type", shortType(typeUrl))
        .register(registry);
  }

  private static String shortType(String typeUrl) {
    int dot = typeUrl.lastIndexOf('.');
    return dot < 0 ? typeUrl : typeUrl.substring(dot + 1);
  }
}
