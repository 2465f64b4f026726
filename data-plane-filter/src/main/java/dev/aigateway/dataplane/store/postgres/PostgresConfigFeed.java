package dev.aigateway.dataplane.store.postgres;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ConfigFeed;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.db.Database;
import dev.aigateway.db.Migrations;
import dev.aigateway.db.change.ConfigChangeListener;
import dev.aigateway.db.secret.SecretCipher;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The configuration tables as a {@link ConfigFeed}: one repeatable-read transaction per load,
 * {@code LISTEN config_changed} for changes. The data plane never migrates: facing a schema older
 * than this build, a load fails with a message saying which versions are missing, and is retried on
 * the next signal until {@code gateway migrate} (or a control plane) has run.
 */
public final class PostgresConfigFeed implements ConfigFeed {
  private final Database database;
  private final ConfigReader reader;
  private volatile boolean schemaCurrent;

  public PostgresConfigFeed(Database database, SecretCipher cipher) {
    this.database = requireNonNull(database, "database");
    this.reader = new ConfigReader(requireNonNull(cipher, "cipher"));
  }

  @Override
  public ConfigSnapshot load() throws StoreException {
    try {
      requireCurrentSchema();
      return reader.load(database.dsl());
    } catch (RuntimeException e) {
      throw StoreException.unavailable(e.getMessage(), e);
    }
  }

  private void requireCurrentSchema() throws StoreException {
    if (schemaCurrent) {
      return;
    }
    List<String> pending = Migrations.pending(database.dataSource());
    if (!pending.isEmpty()) {
      throw StoreException.unavailable(
          "the database schema is older than this ext_proc (missing migrations "
              + String.join(", ", pending)
              + "); the ext_proc never migrates: run `gateway migrate` or start a control plane;"
              + " retrying",
          new IllegalStateException("schema behind"));
    }
    schemaCurrent = true;
  }

  @Override
  public AutoCloseable watch(LongConsumer onRevision) {
    return ConfigChangeListener.start(database::openDedicatedConnection, onRevision);
  }
}
