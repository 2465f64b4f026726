package dev.aigateway.controlplane.xds;

import static dev.aigateway.db.jooq.Tables.FLEET_NODES;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.db.jooq.tables.records.FleetNodesRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Reads node status from {@code fleet_nodes}, as written by whichever replica holds each node's
 * stream: for the fleet API ({@code GET /api/v1/fleets/{name}}) on any replica.
 */
public final class FleetNodes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One node's xDS status.
   *
   * @param assigned false when its {@code node.cluster} names no fleet (it gets no config)
   * @param replicaId the control-plane replica that holds (or last held) its stream
   * @param ackedVersions type URL to the last version the node accepted
   * @param lastNack the last push the node rejected, with Envoy's error detail
   */
  public record Node(
      String nodeId,
      String fleetName,
      boolean assigned,
      String replicaId,
      boolean connected,
      OffsetDateTime connectedAt,
      OffsetDateTime lastSeenAt,
      Map<String, String> ackedVersions,
      @Nullable Nack lastNack) {}

  /** A rejected push. */
  public record Nack(String typeUrl, String version, String error, OffsetDateTime at) {}

  private final DSLContext dsl;

  public FleetNodes(DSLContext dsl) {
    this.dsl = requireNonNull(dsl, "dsl");
  }

  /** The nodes whose {@code node.cluster} is this fleet name, by node id. */
  public List<Node> ofFleet(String fleetName) {
    return list(FLEET_NODES.FLEET_NAME.eq(fleetName));
  }

  /** Nodes that named a fleet that does not exist (when they last spoke). */
  public List<Node> unassigned() {
    return list(FLEET_NODES.FLEET_ID.isNull());
  }

  private List<Node> list(Condition condition) {
    return dsl.selectFrom(FLEET_NODES)
        .where(condition)
        .orderBy(FLEET_NODES.NODE_ID)
        .fetch(FleetNodes::toNode);
  }

  private static Node toNode(FleetNodesRecord r) {
    Nack nack =
        r.getLastNackType() == null
            ? null
            : new Nack(
                r.getLastNackType(),
                r.getLastNackVersion() == null ? "" : r.getLastNackVersion(),
                r.getLastNackError() == null ? "" : r.getLastNackError(),
                r.getLastNackAt());
    return new Node(
        r.getNodeId(),
        r.getFleetName(),
        r.getFleetId() != null,
        r.getReplicaId(),
        r.getConnected(),
        r.getConnectedAt(),
        r.getLastSeenAt(),
        versions(r.getAckedVersions() == null ? "{}" : r.getAckedVersions().data()),
        nack);
  }

  private static Map<String, String> versions(String json) {
    try {
      return new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("fleet_nodes.acked_versions is not a JSON object", e);
    }
  }
}
