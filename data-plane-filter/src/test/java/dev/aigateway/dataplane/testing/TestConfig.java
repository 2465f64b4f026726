package dev.aigateway.dataplane.testing;

import static dev.aigateway.db.jooq.Tables.API_KEYS;
import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS;
import static dev.aigateway.db.jooq.Tables.TEAMS;

import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.secret.Hashes;
import dev.aigateway.db.secret.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Writes configuration rows the way the admin API will (docs/contracts.md), each change in its own
 * transaction with {@link ConfigRevisions#bump}.
 */
public final class TestConfig {
  public static final byte[] SECRET_KEY = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      SECRET_KEY[i] = (byte) (i * 7 + 3);
    }
  }

  private final Database db;
  private final SecretCipher cipher = new SecretCipher(SECRET_KEY, List.of());

  public TestConfig(Database db) {
    this.db = db;
  }

  public UUID provider(
      String name, String schema, String baseUrl, String settingsJson, String... apiKeys) {
    UUID id = UUID.randomUUID();
    change(
        tx -> {
          tx.insertInto(PROVIDERS)
              .set(PROVIDERS.ID, id)
              .set(PROVIDERS.NAME, name)
              .set(PROVIDERS.SCHEMA, schema)
              .set(PROVIDERS.BASE_URL, baseUrl)
              .set(PROVIDERS.SETTINGS, JSONB.valueOf(settingsJson))
              .execute();
          int position = 0;
          for (String key : apiKeys) {
            UUID credentialId = UUID.randomUUID();
            SecretCipher.Sealed sealed =
                cipher.seal(
                    ("{\"api_key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8),
                    credentialId.toString());
            tx.insertInto(PROVIDER_CREDENTIALS)
                .set(PROVIDER_CREDENTIALS.ID, credentialId)
                .set(PROVIDER_CREDENTIALS.PROVIDER_ID, id)
                .set(PROVIDER_CREDENTIALS.KIND, "api_key")
                .set(PROVIDER_CREDENTIALS.HINT, key.substring(Math.max(0, key.length() - 4)))
                .set(PROVIDER_CREDENTIALS.KEY_ID, sealed.keyId())
                .set(PROVIDER_CREDENTIALS.CIPHERTEXT, sealed.ciphertext())
                .set(PROVIDER_CREDENTIALS.POSITION, position++)
                .execute();
          }
        });
    return id;
  }

  /**
   * A provider with one credential of any kind; {@code fields} are sealed as the admin API does.
   */
  public UUID provider(
      String name,
      String schema,
      String baseUrl,
      String settingsJson,
      String kind,
      java.util.Map<String, String> fields) {
    UUID id = UUID.randomUUID();
    byte[] json;
    try {
      json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(fields);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    change(
        tx -> {
          tx.insertInto(PROVIDERS)
              .set(PROVIDERS.ID, id)
              .set(PROVIDERS.NAME, name)
              .set(PROVIDERS.SCHEMA, schema)
              .set(PROVIDERS.BASE_URL, baseUrl)
              .set(PROVIDERS.SETTINGS, JSONB.valueOf(settingsJson))
              .execute();
          UUID credentialId = UUID.randomUUID();
          SecretCipher.Sealed sealed = cipher.seal(json, credentialId.toString());
          tx.insertInto(PROVIDER_CREDENTIALS)
              .set(PROVIDER_CREDENTIALS.ID, credentialId)
              .set(PROVIDER_CREDENTIALS.PROVIDER_ID, id)
              .set(PROVIDER_CREDENTIALS.KIND, kind)
              .set(PROVIDER_CREDENTIALS.HINT, kind)
              .set(PROVIDER_CREDENTIALS.KEY_ID, sealed.keyId())
              .set(PROVIDER_CREDENTIALS.CIPHERTEXT, sealed.ciphertext())
              .set(PROVIDER_CREDENTIALS.POSITION, 0)
              .execute();
        });
    return id;
  }

  /** A model with targets given as (provider id, upstream model, weight, priority). */
  public UUID model(String name, Target... targets) {
    UUID id = UUID.randomUUID();
    change(
        tx -> {
          tx.insertInto(MODELS).set(MODELS.ID, id).set(MODELS.NAME, name).execute();
          int position = 0;
          for (Target t : targets) {
            tx.insertInto(MODEL_TARGETS)
                .set(MODEL_TARGETS.ID, UUID.randomUUID())
                .set(MODEL_TARGETS.MODEL_ID, id)
                .set(MODEL_TARGETS.PROVIDER_ID, t.provider())
                .set(MODEL_TARGETS.UPSTREAM_MODEL, t.upstreamModel())
                .set(MODEL_TARGETS.WEIGHT, t.weight())
                .set(MODEL_TARGETS.PRIORITY, t.priority())
                .set(MODEL_TARGETS.POSITION, position++)
                .execute();
          }
        });
    return id;
  }

  public record Target(UUID provider, String upstreamModel, int weight, int priority) {}

  public static Target target(UUID provider, String upstreamModel) {
    return new Target(provider, upstreamModel, 1, 0);
  }

  /** A new client key (team created on first use); returns the secret. */
  public IssuedKey key(String name, String... allowedModels) {
    String secret = Hashes.newToken("sk-gw-", 32);
    UUID id = UUID.randomUUID();
    UUID team = UUID.randomUUID();
    change(
        tx -> {
          tx.insertInto(TEAMS).set(TEAMS.ID, team).set(TEAMS.NAME, "team-" + team).execute();
          tx.insertInto(API_KEYS)
              .set(API_KEYS.ID, id)
              .set(API_KEYS.NAME, name)
              .set(API_KEYS.TEAM_ID, team)
              .set(API_KEYS.PREFIX, secret.substring(0, 12))
              .set(API_KEYS.KEY_HASH, Hashes.sha256(secret))
              .set(API_KEYS.ALLOWED_MODELS, allowedModels)
              .execute();
        });
    return new IssuedKey(id, team, secret);
  }

  public record IssuedKey(UUID id, UUID teamId, String secret) {}

  public void revoke(UUID keyId) {
    change(
        tx ->
            tx.update(API_KEYS)
                .set(API_KEYS.REVOKED_AT, OffsetDateTime.now())
                .where(API_KEYS.ID.eq(keyId))
                .execute());
  }

  public void expire(UUID keyId) {
    change(
        tx ->
            tx.update(API_KEYS)
                .set(API_KEYS.EXPIRES_AT, OffsetDateTime.now().minusMinutes(1))
                .where(API_KEYS.ID.eq(keyId))
                .execute());
  }

  public long revision() {
    return ConfigRevisions.current(db.dsl());
  }

  public void change(java.util.function.Consumer<DSLContext> change) {
    db.dsl()
        .transaction(
            tx -> {
              change.accept(tx.dsl());
              ConfigRevisions.bump(tx.dsl());
            });
  }
}
