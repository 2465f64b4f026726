package dev.aigateway.controlplane.xds;

import static dev.aigateway.db.jooq.Tables.FLEETS;
import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;

import dev.aigateway.controlplane.ControlPlaneSettings;
import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Writes configuration the way the admin API does: rows plus one revision bump per transaction. */
final class TestConfig {
  private TestConfig() {}

  /** Adds a provider and returns the committed revision. */
  static long addProvider(Database db, String name, String schema, String baseUrl) {
    return db.dsl()
        .transactionResult(
            c -> {
              DSLContext tx = DSL.using(c);
              tx.insertInto(PROVIDERS)
                  .set(PROVIDERS.ID, UUID.randomUUID())
                  .set(PROVIDERS.NAME, name)
                  .set(PROVIDERS.SCHEMA, schema)
                  .set(PROVIDERS.BASE_URL, baseUrl)
                  .execute();
              return ConfigRevisions.bump(tx);
            });
  }

  static long addFleet(Database db, String name, int port) {
    return db.dsl()
        .transactionResult(
            c -> {
              DSLContext tx = DSL.using(c);
              tx.insertInto(FLEETS)
                  .set(FLEETS.ID, UUID.randomUUID())
                  .set(FLEETS.NAME, name)
                  .set(FLEETS.LISTENER_PORT, port)
                  .execute();
              return ConfigRevisions.bump(tx);
            });
  }

  /** Adds a model with weighted targets on the named providers (weight, priority in pairs). */
  static long addModel(Database db, String model, String[] providers, int[] weights) {
    return db.dsl()
        .transactionResult(
            c -> {
              DSLContext tx = DSL.using(c);
              UUID modelId = UUID.randomUUID();
              tx.insertInto(MODELS).set(MODELS.ID, modelId).set(MODELS.NAME, model).execute();
              for (int i = 0; i < providers.length; i++) {
                UUID providerId =
                    tx.select(PROVIDERS.ID)
                        .from(PROVIDERS)
                        .where(PROVIDERS.NAME.eq(providers[i]))
                        .fetchSingle(PROVIDERS.ID);
                tx.insertInto(MODEL_TARGETS)
                    // Deterministic: target ids are endpoint metadata in golden files.
                    .set(
                        MODEL_TARGETS.ID,
                        UUID.nameUUIDFromBytes(
                            (model + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .set(MODEL_TARGETS.MODEL_ID, modelId)
                    .set(MODEL_TARGETS.PROVIDER_ID, providerId)
                    .set(MODEL_TARGETS.UPSTREAM_MODEL, model + "-upstream")
                    .set(MODEL_TARGETS.WEIGHT, weights[i])
                    .set(MODEL_TARGETS.PRIORITY, 0)
                    .set(MODEL_TARGETS.POSITION, i)
                    .execute();
              }
              return ConfigRevisions.bump(tx);
            });
  }

  /** A control-plane replica's settings for tests: xDS on any free port, admin API not started. */
  static ControlPlaneSettings replica(String replicaId) {
    return new ControlPlaneSettings(
        "127.0.0.1", 0, 0, "127.0.0.1", 18001, "token", replicaId, new byte[32], List.of());
  }

  /** Removes every provider, model and non-default fleet (tests sharing one database). */
  static long reset(Database db) {
    return db.dsl()
        .transactionResult(
            c -> {
              DSLContext tx = DSL.using(c);
              tx.deleteFrom(MODEL_TARGETS).execute();
              tx.deleteFrom(MODELS).execute();
              tx.deleteFrom(dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS).execute();
              tx.deleteFrom(PROVIDERS).execute();
              tx.deleteFrom(FLEETS).where(FLEETS.NAME.ne("default")).execute();
              return ConfigRevisions.bump(tx);
            });
  }
}
