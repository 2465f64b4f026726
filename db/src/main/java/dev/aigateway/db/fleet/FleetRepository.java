package dev.aigateway.db.fleet;

import static dev.aigateway.db.jooq.Tables.FLEETS;
import static dev.aigateway.db.jooq.Tables.FLEET_NODES;

import dev.aigateway.db.Jsonb;
import dev.aigateway.db.Page;
import dev.aigateway.db.Times;
import dev.aigateway.db.jooq.tables.records.FleetNodesRecord;
import dev.aigateway.db.jooq.tables.records.FleetsRecord;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Fleets and the status of their nodes. Every method runs in the caller's context. */
public final class FleetRepository {
  private FleetRepository() {}

  public static Optional<Fleet> find(DSLContext dsl, UUID id) {
    return dsl.selectFrom(FLEETS).where(FLEETS.ID.eq(id)).fetchOptional(FleetRepository::fleet);
  }

  public static Optional<Fleet> findByName(DSLContext dsl, String name) {
    return dsl.selectFrom(FLEETS).where(FLEETS.NAME.eq(name)).fetchOptional(FleetRepository::fleet);
  }

  public static Optional<Fleet> lock(DSLContext tx, UUID id) {
    return tx.selectFrom(FLEETS)
        .where(FLEETS.ID.eq(id))
        .forUpdate()
        .fetchOptional(FleetRepository::fleet);
  }

  public static Page<Fleet> list(DSLContext dsl, int limit, int offset) {
    long total = dsl.fetchCount(FLEETS);
    List<Fleet> items =
        dsl.selectFrom(FLEETS)
            .orderBy(FLEETS.NAME)
            .limit(limit)
            .offset(offset)
            .fetch(FleetRepository::fleet);
    return new Page<>(items, total);
  }

  public static void insert(DSLContext tx, UUID id, String name, int listenerPort) {
    tx.insertInto(FLEETS)
        .set(FLEETS.ID, id)
        .set(FLEETS.NAME, name)
        .set(FLEETS.LISTENER_PORT, listenerPort)
        .execute();
  }

  public static void update(DSLContext tx, UUID id, int listenerPort) {
    tx.update(FLEETS)
        .set(FLEETS.LISTENER_PORT, listenerPort)
        .set(FLEETS.VERSION, FLEETS.VERSION.plus(1))
        .set(FLEETS.UPDATED_AT, Times.now())
        .where(FLEETS.ID.eq(id))
        .execute();
  }

  public static void delete(DSLContext tx, UUID id) {
    tx.deleteFrom(FLEETS).where(FLEETS.ID.eq(id)).execute();
  }

  /** The nodes recorded for a fleet. */
  public static List<FleetNode> nodes(DSLContext dsl, UUID fleetId) {
    return dsl.selectFrom(FLEET_NODES)
        .where(FLEET_NODES.FLEET_ID.eq(fleetId))
        .orderBy(FLEET_NODES.NODE_ID)
        .fetch(FleetRepository::node);
  }

  /** Nodes whose {@code node.cluster} names no fleet. */
  public static List<FleetNode> unassignedNodes(DSLContext dsl) {
    return dsl.selectFrom(FLEET_NODES)
        .where(FLEET_NODES.FLEET_ID.isNull())
        .orderBy(FLEET_NODES.FLEET_NAME, FLEET_NODES.NODE_ID)
        .fetch(FleetRepository::node);
  }

  private static Fleet fleet(FleetsRecord r) {
    return new Fleet(
        r.getId(),
        r.getName(),
        r.getListenerPort(),
        r.getVersion(),
        Times.instant(r.getCreatedAt()),
        Times.instant(r.getUpdatedAt()));
  }

  private static FleetNode node(FleetNodesRecord r) {
    FleetNode.Nack nack =
        r.getLastNackAt() == null && r.getLastNackError() == null
            ? null
            : new FleetNode.Nack(
                r.getLastNackType(),
                r.getLastNackVersion(),
                r.getLastNackError(),
                Times.instant(r.getLastNackAt()));
    return new FleetNode(
        r.getNodeId(),
        r.getFleetName(),
        r.getReplicaId(),
        r.getConnected(),
        Times.instant(r.getConnectedAt()),
        Times.instant(r.getLastSeenAt()),
        Jsonb.stringMap(r.getAckedVersions()),
        nack);
  }
}
