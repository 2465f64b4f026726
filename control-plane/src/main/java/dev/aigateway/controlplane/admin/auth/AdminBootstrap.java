package dev.aigateway.controlplane.admin.auth;

import dev.aigateway.db.Database;
import dev.aigateway.db.admintoken.AdminTokenRepository;
import dev.aigateway.db.audit.AuditRepository;
import dev.aigateway.db.secret.Hashes;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure an admin can sign in: stores the configured {@code GATEWAY_ADMIN_TOKEN} (hashed), or
 * on the very first start generates one and returns it so it can be printed once.
 */
public final class AdminBootstrap {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
  // Serialises replicas that start at the same time against one database.
  private static final long LOCK_KEY = 0x6777_6164_6d69_6eL;

  private AdminBootstrap() {}

  /** A configured admin token shorter than this is refused: it could be guessed or brute-forced. */
  public static final int MIN_CONFIGURED_TOKEN_LENGTH = 32;

  /**
   * Returns the generated token when one was created, otherwise empty.
   *
   * @throws IllegalArgumentException when {@code configuredToken} is shorter than {@link
   *     #MIN_CONFIGURED_TOKEN_LENGTH}
   */
  public static Optional<String> ensure(Database database, @Nullable String configuredToken) {
    if (configuredToken != null
        && !configuredToken.isBlank()
        && configuredToken.trim().length() < MIN_CONFIGURED_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "GATEWAY_ADMIN_TOKEN must be at least "
              + MIN_CONFIGURED_TOKEN_LENGTH
              + " characters (got "
              + configuredToken.trim().length()
              + ")");
    }
    return database
        .dsl()
        .transactionResult(
            cfg -> {
              var tx = cfg.dsl();
              tx.execute("select pg_advisory_xact_lock(?)", LOCK_KEY);
              if (configuredToken != null && !configuredToken.isBlank()) {
                String token = configuredToken.trim();
                boolean inserted =
                    AdminTokenRepository.upsertActive(
                        tx,
                        UUID.randomUUID(),
                        "bootstrap",
                        "admin",
                        prefix(token),
                        Hashes.sha256(token));
                if (inserted) {
                  audit(tx);
                  log.info("stored the configured GATEWAY_ADMIN_TOKEN (hashed)");
                }
                return Optional.<String>empty();
              }
              if (AdminTokenRepository.countActiveAdmins(tx) > 0) {
                return Optional.<String>empty();
              }
              String token = Hashes.newToken(AdminAuth.TOKEN_PREFIX, 32);
              AdminTokenRepository.insert(
                  tx, UUID.randomUUID(), "bootstrap", "admin", prefix(token), Hashes.sha256(token));
              audit(tx);
              log.info("generated a bootstrap admin token (printed once on the console)");
              return Optional.of(token);
            });
  }

  private static void audit(org.jooq.DSLContext tx) {
    AuditRepository.append(
        tx,
        "system",
        "create",
        "admin_token",
        null,
        null,
        Map.of("name", "bootstrap", "role", "admin"));
  }

  /** What operators see of a token: its first 12 characters. */
  public static String prefix(String token) {
    return token.substring(0, Math.min(12, token.length() / 3));
  }
}
