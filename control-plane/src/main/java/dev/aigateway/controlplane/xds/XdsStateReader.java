package dev.aigateway.controlplane.xds;

import static dev.aigateway.db.jooq.Tables.CONFIG_REVISION;
import static dev.aigateway.db.jooq.Tables.FLEETS;
import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;

import dev.aigateway.db.cooldown.TargetCooldownRepository;
import dev.aigateway.db.model.ModelRepository;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Reads {@link XdsState} from the database. */
public final class XdsStateReader {
  /** Provider setting holding a PEM CA bundle for a private https endpoint. */
  public static final String CA_BUNDLE_SETTING = "ca_bundle";

  private XdsStateReader() {}

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Reads the revision and the rows in one repeatable-read transaction, so the version always
   * matches the data it is published with.
   */
  public static XdsState read(DSLContext dsl) {
    return dsl.transactionResult(
        configuration -> {
          DSLContext tx = DSL.using(configuration);
          tx.execute("set transaction isolation level repeatable read read only");
          Long revision =
              tx.select(CONFIG_REVISION.REVISION)
                  .from(CONFIG_REVISION)
                  .where(CONFIG_REVISION.ID.eq((short) 1))
                  .fetchOne(CONFIG_REVISION.REVISION);
          if (revision == null) {
            throw new IllegalStateException("config_revision row is missing");
          }
          var fleets =
              tx.select(FLEETS.NAME, FLEETS.LISTENER_PORT)
                  .from(FLEETS)
                  .fetch(r -> new XdsState.Fleet(r.value1(), r.value2()));
          var providers =
              tx.select(
                      PROVIDERS.NAME,
                      PROVIDERS.SCHEMA,
                      PROVIDERS.BASE_URL,
                      DSL.jsonbGetAttributeAsText(PROVIDERS.SETTINGS, CA_BUNDLE_SETTING))
                  .from(PROVIDERS)
                  .fetch(
                      r ->
                          new XdsState.Provider(
                              r.value1(), r.value2(), r.value3(), blankToNull(r.value4())));
          // Not configuration (no revision of its own): the version carries it (assembler).
          Map<String, Instant> cooldowns = new TreeMap<>();
          TargetCooldownRepository.active(tx)
              .forEach(c -> cooldowns.put(c.targetId().toString(), c.endsAt()));
          return new XdsState(revision, fleets, providers, models(tx)).withCooldowns(cooldowns);
        });
  }

  /** Every model with its targets (stored order) and failover settings. */
  private static java.util.List<XdsState.Model> models(DSLContext tx) {
    java.util.Map<java.util.UUID, java.util.List<XdsState.Target>> targets =
        new java.util.HashMap<>();
    tx.select(
            MODEL_TARGETS.MODEL_ID,
            MODEL_TARGETS.ID,
            PROVIDERS.NAME,
            MODEL_TARGETS.UPSTREAM_MODEL,
            MODEL_TARGETS.WEIGHT,
            MODEL_TARGETS.PRIORITY)
        .from(MODEL_TARGETS)
        .join(PROVIDERS)
        .on(PROVIDERS.ID.eq(MODEL_TARGETS.PROVIDER_ID))
        .orderBy(MODEL_TARGETS.MODEL_ID, MODEL_TARGETS.POSITION)
        .forEach(
            r ->
                targets
                    .computeIfAbsent(r.value1(), k -> new java.util.ArrayList<>())
                    .add(
                        new XdsState.Target(
                            r.value2().toString(),
                            r.value3(),
                            r.value4(),
                            r.value5(),
                            r.value6())));
    return tx.selectFrom(MODELS)
        .fetch(
            m ->
                new XdsState.Model(
                    m.getName(),
                    ModelRepository.failover(m),
                    targets.getOrDefault(m.getId(), java.util.List.of())));
  }

  /** The fleet of that name, if it exists. */
  public static Optional<XdsState.Fleet> fleet(DSLContext dsl, String name) {
    return dsl.select(FLEETS.NAME, FLEETS.LISTENER_PORT)
        .from(FLEETS)
        .where(FLEETS.NAME.eq(name))
        .fetchOptional(r -> new XdsState.Fleet(r.value1(), r.value2()));
  }
}
