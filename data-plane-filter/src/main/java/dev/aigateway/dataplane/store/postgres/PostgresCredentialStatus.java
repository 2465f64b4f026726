package dev.aigateway.dataplane.store.postgres;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.credential.CredentialStatusSink;
import dev.aigateway.db.Database;
import dev.aigateway.db.provider.CredentialStatus;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports credential failures to {@code provider_credential_status}, which the admin API shows on
 * the provider. Writes happen off the request's thread: a request never waits on the database.
 */
public final class PostgresCredentialStatus implements CredentialStatusSink {
  private static final Logger log = LoggerFactory.getLogger(PostgresCredentialStatus.class);

  private final Database database;

  public PostgresCredentialStatus(Database database) {
    this.database = requireNonNull(database, "database");
  }

  @Override
  public void failing(UUID credentialId, String reason) {
    write(() -> CredentialStatus.failing(database.dsl(), credentialId, reason));
  }

  @Override
  public void recovered(UUID credentialId) {
    write(() -> CredentialStatus.recovered(database.dsl(), credentialId));
  }

  private static void write(Runnable write) {
    Thread.startVirtualThread(
        () -> {
          try {
            write.run();
          } catch (RuntimeException e) {
            // The failure itself is already logged and counted; only the console misses it.
            log.warn("credential status not stored: {}", e.getClass().getName());
          }
        });
  }
}
