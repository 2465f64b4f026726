package dev.aigateway.controlplane.xds;

import static dev.aigateway.db.jooq.Tables.FLEETS;
import static dev.aigateway.db.jooq.Tables.FLEET_NODES;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes node status to {@code fleet_nodes} off the gRPC threads: the latest status per node is
 * kept in memory and flushed in one batch every {@link #FLUSH} (so the CDS, LDS and RDS ACKs of a
 * push cost one write per node).
 */
final class FleetNodeWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetNodeWriter.class);
  static final Duration FLUSH = Duration.ofMillis(250);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Key(String nodeId, String fleetName) {}

  private final DSLContext dsl;
  private final String replicaId;
  private final Map<Key, NodeStatus> pending = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  FleetNodeWriter(DSLContext dsl, String replicaId) {
    this.dsl = requireNonNull(dsl, "dsl");
    this.replicaId = requireNonNull(replicaId, "replicaId");
    this.thread = Thread.ofPlatform().name("fleet-node-writer").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Queues the node's current status; only the latest one per node is written. */
  void submit(NodeStatus status) {
    synchronized (pending) {
      pending.put(new Key(status.nodeId(), status.fleetName()), status);
    }
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(FLUSH);
      } catch (InterruptedException e) {
        break;
      }
      flush();
    }
    flush();
  }

  /** Writes what is queued; on a database error it is kept and retried on the next flush. */
  void flush() {
    List<NodeStatus> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new ArrayList<>(pending.values());
      pending.clear();
    }
    try {
      write(batch);
    } catch (RuntimeException e) {
      log.warn("could not record fleet node status ({}); retrying", e.getMessage());
      synchronized (pending) {
        for (NodeStatus status : batch) {
          pending.putIfAbsent(new Key(status.nodeId(), status.fleetName()), status);
        }
      }
    }
  }

  private void write(List<NodeStatus> batch) {
    dsl.transaction(
        configuration -> {
          DSLContext tx = DSL.using(configuration);
          var queries = new ArrayList<org.jooq.Query>();
          for (NodeStatus s : batch) {
            var fleetId =
                s.assigned()
                    ? DSL.field(
                        DSL.select(FLEETS.ID).from(FLEETS).where(FLEETS.NAME.eq(s.fleetName())))
                    : DSL.castNull(FLEETS.ID);
            NodeStatus.Nack nack = s.lastNack();
            var insert =
                tx.insertInto(FLEET_NODES)
                    .set(FLEET_NODES.NODE_ID, s.nodeId())
                    .set(FLEET_NODES.FLEET_NAME, s.fleetName())
                    .set(FLEET_NODES.FLEET_ID, fleetId)
                    .set(FLEET_NODES.REPLICA_ID, replicaId)
                    .set(FLEET_NODES.CONNECTED, s.connected())
                    .set(FLEET_NODES.CONNECTED_AT, utc(s.connectedAt()))
                    .set(FLEET_NODES.LAST_SEEN_AT, utc(s.lastSeenAt()))
                    .set(FLEET_NODES.ACKED_VERSIONS, json(s.ackedVersions()))
                    .set(FLEET_NODES.LAST_NACK_TYPE, nack == null ? null : nack.typeUrl())
                    .set(FLEET_NODES.LAST_NACK_VERSION, nack == null ? null : nack.version())
                    .set(FLEET_NODES.LAST_NACK_ERROR, nack == null ? null : nack.error())
                    .set(FLEET_NODES.LAST_NACK_AT, nack == null ? null : utc(nack.at()))
                    .onConflict(FLEET_NODES.NODE_ID, FLEET_NODES.FLEET_NAME)
                    .doUpdate()
                    .set(FLEET_NODES.FLEET_ID, DSL.excluded(FLEET_NODES.FLEET_ID))
                    .set(FLEET_NODES.REPLICA_ID, DSL.excluded(FLEET_NODES.REPLICA_ID))
                    .set(FLEET_NODES.CONNECTED, DSL.excluded(FLEET_NODES.CONNECTED))
                    .set(FLEET_NODES.CONNECTED_AT, DSL.excluded(FLEET_NODES.CONNECTED_AT))
                    .set(FLEET_NODES.LAST_SEEN_AT, DSL.excluded(FLEET_NODES.LAST_SEEN_AT))
                    // Versions a reconnected node has not confirmed yet keep their last value.
                    .set(
                        FLEET_NODES.ACKED_VERSIONS,
                        DSL.field(
                            "{0} || {1}",
                            FLEET_NODES.ACKED_VERSIONS.getDataType(),
                            FLEET_NODES.ACKED_VERSIONS,
                            DSL.excluded(FLEET_NODES.ACKED_VERSIONS)))
                    .set(
                        FLEET_NODES.LAST_NACK_TYPE,
                        DSL.coalesce(
                            DSL.excluded(FLEET_NODES.LAST_NACK_TYPE), FLEET_NODES.LAST_NACK_TYPE))
                    .set(
                        FLEET_NODES.LAST_NACK_VERSION,
                        DSL.coalesce(
                            DSL.excluded(FLEET_NODES.LAST_NACK_VERSION),
                            FLEET_NODES.LAST_NACK_VERSION))
                    .set(
                        FLEET_NODES.LAST_NACK_ERROR,
                        DSL.coalesce(
                            DSL.excluded(FLEET_NODES.LAST_NACK_ERROR), FLEET_NODES.LAST_NACK_ERROR))
                    .set(
                        FLEET_NODES.LAST_NACK_AT,
                        DSL.coalesce(
                            DSL.excluded(FLEET_NODES.LAST_NACK_AT), FLEET_NODES.LAST_NACK_AT))
                    // A stale "disconnected" from a replica that lost the node must not hide the
                    // replica that holds its new stream.
                    .where(
                        DSL.excluded(FLEET_NODES.CONNECTED)
                            .isTrue()
                            .or(FLEET_NODES.REPLICA_ID.eq(DSL.excluded(FLEET_NODES.REPLICA_ID))));
            queries.add(insert);
          }
          tx.batch(queries).execute();
        });
  }

  private static OffsetDateTime utc(java.time.Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static JSONB json(Map<String, String> map) {
    try {
      return JSONB.valueOf(JSON.writeValueAsString(map));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(3));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
