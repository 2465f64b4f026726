package dev.aigateway.db.fleet;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One Envoy's xDS status as last recorded by the control-plane replica holding its stream. */
public record FleetNode(
    String nodeId,
    String fleetName,
    String replicaId,
    boolean connected,
    Instant connectedAt,
    Instant lastSeenAt,
    Map<String, String> ackedVersions,
    @Nullable Nack lastNack) {

  /** The last configuration this node rejected. */
  public record Nack(
      @Nullable String type,
      @Nullable String version,
      @Nullable String error,
      @Nullable Instant at) {}
}
