package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one replica knows about one node's xDS stream at a moment; written to {@code fleet_nodes}.
 *
 * @param fleetName the node's {@code node.cluster}
 * @param assigned false when no fleet of that name exists (the node gets no config)
 * @param ackedVersions type URL to the last version the node accepted
 */
record NodeStatus(
    String nodeId,
    String fleetName,
    boolean assigned,
    boolean connected,
    Instant connectedAt,
    Instant lastSeenAt,
    Map<String, String> ackedVersions,
    @Nullable Nack lastNack) {

  NodeStatus {
    requireNonNull(nodeId, "nodeId");
    requireNonNull(fleetName, "fleetName");
    requireNonNull(connectedAt, "connectedAt");
    requireNonNull(lastSeenAt, "lastSeenAt");
    ackedVersions = Map.copyOf(new TreeMap<>(ackedVersions));
  }

  /** A rejected push: the type, the version Envoy rejected and Envoy's error message. */
  record Nack(String typeUrl, String version, String error, Instant at) {}
}
