package dev.aigateway.controlplane.xds;

import static dev.aigateway.db.jooq.Tables.CONFIG_REVISION;
import static dev.aigateway.db.jooq.Tables.FLEETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;

import java.util.Optional;
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
          return new XdsState(revision, fleets, providers);
        });
  }

  /** The fleet of that name, if it exists. */
  public static Optional<XdsState.Fleet> fleet(DSLContext dsl, String name) {
    return dsl.select(FLEETS.NAME, FLEETS.LISTENER_PORT)
        .from(FLEETS)
        .where(FLEETS.NAME.eq(name))
        .fetchOptional(r -> new XdsState.Fleet(r.value1(), r.value2()));
  }
}
