package dev.aigateway.db.provider;

import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIALS;
import static dev.aigateway.db.jooq.Tables.PROVIDER_CREDENTIAL_STATUS;

import dev.aigateway.db.Jsonb;
import dev.aigateway.db.Page;
import dev.aigateway.db.Ref;
import dev.aigateway.db.Times;
import dev.aigateway.db.jooq.tables.records.ProviderCredentialsRecord;
import dev.aigateway.db.jooq.tables.records.ProvidersRecord;
import dev.aigateway.db.secret.SecretCipher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** Providers and their encrypted credentials. Every method runs in the caller's context. */
public final class ProviderRepository {
  private ProviderRepository() {}

  public static Optional<Provider> find(DSLContext dsl, UUID id) {
    return dsl.selectFrom(PROVIDERS)
        .where(PROVIDERS.ID.eq(id))
        .fetchOptional()
        .map(r -> provider(r, credentials(dsl, r.getId())));
  }

  public static Optional<Provider> findByName(DSLContext dsl, String name) {
    return dsl.selectFrom(PROVIDERS)
        .where(PROVIDERS.NAME.eq(name))
        .fetchOptional()
        .map(r -> provider(r, credentials(dsl, r.getId())));
  }

  /** Reads and row-locks a provider for the rest of the transaction. */
  public static Optional<Provider> lock(DSLContext tx, UUID id) {
    return tx.selectFrom(PROVIDERS)
        .where(PROVIDERS.ID.eq(id))
        .forUpdate()
        .fetchOptional()
        .map(r -> provider(r, credentials(tx, r.getId())));
  }

  public static Page<Provider> list(
      DSLContext dsl,
      @Nullable String schema,
      @Nullable String nameContains,
      int limit,
      int offset) {
    Condition where = DSL.trueCondition();
    if (schema != null) {
      where = where.and(PROVIDERS.SCHEMA.eq(schema));
    }
    if (nameContains != null) {
      where = where.and(PROVIDERS.NAME.containsIgnoreCase(nameContains));
    }
    long total = dsl.fetchCount(PROVIDERS, where);
    List<Provider> items = new ArrayList<>();
    for (ProvidersRecord r :
        dsl.selectFrom(PROVIDERS)
            .where(where)
            .orderBy(PROVIDERS.CREATED_AT.desc(), PROVIDERS.ID)
            .limit(limit)
            .offset(offset)
            .fetch()) {
      items.add(provider(r, credentials(dsl, r.getId())));
    }
    return new Page<>(items, total);
  }

  public static void insert(
      DSLContext tx,
      UUID id,
      String name,
      String schema,
      String baseUrl,
      Map<String, String> settings) {
    tx.insertInto(PROVIDERS)
        .set(PROVIDERS.ID, id)
        .set(PROVIDERS.NAME, name)
        .set(PROVIDERS.SCHEMA, schema)
        .set(PROVIDERS.BASE_URL, baseUrl)
        .set(PROVIDERS.SETTINGS, Jsonb.of(settings))
        .execute();
  }

  /** Overwrites the mutable fields and advances the version. */
  public static void update(
      DSLContext tx, UUID id, String name, String baseUrl, Map<String, String> settings) {
    tx.update(PROVIDERS)
        .set(PROVIDERS.NAME, name)
        .set(PROVIDERS.BASE_URL, baseUrl)
        .set(PROVIDERS.SETTINGS, Jsonb.of(settings))
        .set(PROVIDERS.VERSION, PROVIDERS.VERSION.plus(1))
        .set(PROVIDERS.UPDATED_AT, Times.now())
        .where(PROVIDERS.ID.eq(id))
        .execute();
  }

  /** Advances the version only (a credential was added or removed). */
  public static void touch(DSLContext tx, UUID id) {
    tx.update(PROVIDERS)
        .set(PROVIDERS.VERSION, PROVIDERS.VERSION.plus(1))
        .set(PROVIDERS.UPDATED_AT, Times.now())
        .where(PROVIDERS.ID.eq(id))
        .execute();
  }

  public static void delete(DSLContext tx, UUID id) {
    tx.deleteFrom(PROVIDERS).where(PROVIDERS.ID.eq(id)).execute();
  }

  /** The models with a target on this provider. */
  public static List<Ref> modelsTargeting(DSLContext dsl, UUID providerId) {
    return dsl.selectDistinct(MODELS.ID, MODELS.NAME)
        .from(MODELS)
        .join(MODEL_TARGETS)
        .on(MODEL_TARGETS.MODEL_ID.eq(MODELS.ID))
        .where(MODEL_TARGETS.PROVIDER_ID.eq(providerId))
        .orderBy(MODELS.NAME)
        .fetch(r -> new Ref("model", r.value1(), r.value2()));
  }

  public static void addCredential(
      DSLContext tx,
      UUID providerId,
      UUID id,
      String kind,
      String hint,
      SecretCipher.Sealed sealed) {
    Integer max =
        tx.select(DSL.max(PROVIDER_CREDENTIALS.POSITION))
            .from(PROVIDER_CREDENTIALS)
            .where(PROVIDER_CREDENTIALS.PROVIDER_ID.eq(providerId))
            .fetchOne(0, Integer.class);
    tx.insertInto(PROVIDER_CREDENTIALS)
        .set(PROVIDER_CREDENTIALS.ID, id)
        .set(PROVIDER_CREDENTIALS.PROVIDER_ID, providerId)
        .set(PROVIDER_CREDENTIALS.KIND, kind)
        .set(PROVIDER_CREDENTIALS.HINT, hint)
        .set(PROVIDER_CREDENTIALS.KEY_ID, sealed.keyId())
        .set(PROVIDER_CREDENTIALS.CIPHERTEXT, sealed.ciphertext())
        .set(PROVIDER_CREDENTIALS.POSITION, max == null ? 0 : max + 1)
        .execute();
  }

  public static void deleteCredentials(DSLContext tx, UUID providerId) {
    tx.deleteFrom(PROVIDER_CREDENTIALS)
        .where(PROVIDER_CREDENTIALS.PROVIDER_ID.eq(providerId))
        .execute();
  }

  /** Deletes one credential of a provider; false when there is no such credential. */
  public static boolean deleteCredential(DSLContext tx, UUID providerId, UUID credentialId) {
    return tx.deleteFrom(PROVIDER_CREDENTIALS)
            .where(PROVIDER_CREDENTIALS.PROVIDER_ID.eq(providerId))
            .and(PROVIDER_CREDENTIALS.ID.eq(credentialId))
            .execute()
        == 1;
  }

  /** The sealed credentials of one provider, in position order. */
  public static List<SealedCredential> sealedCredentials(DSLContext dsl, UUID providerId) {
    return dsl.selectFrom(PROVIDER_CREDENTIALS)
        .where(PROVIDER_CREDENTIALS.PROVIDER_ID.eq(providerId))
        .orderBy(PROVIDER_CREDENTIALS.POSITION)
        .fetch(ProviderRepository::sealed);
  }

  /** Every stored credential, row-locked, for re-encryption under a new key. */
  public static List<SealedCredential> lockAllSealedCredentials(DSLContext tx) {
    return tx.selectFrom(PROVIDER_CREDENTIALS)
        .orderBy(PROVIDER_CREDENTIALS.ID)
        .forUpdate()
        .fetch(ProviderRepository::sealed);
  }

  public static void replaceCiphertext(
      DSLContext tx, UUID credentialId, SecretCipher.Sealed sealed) {
    tx.update(PROVIDER_CREDENTIALS)
        .set(PROVIDER_CREDENTIALS.KEY_ID, sealed.keyId())
        .set(PROVIDER_CREDENTIALS.CIPHERTEXT, sealed.ciphertext())
        .where(PROVIDER_CREDENTIALS.ID.eq(credentialId))
        .execute();
  }

  private static SealedCredential sealed(ProviderCredentialsRecord r) {
    return new SealedCredential(
        r.getId(),
        r.getProviderId(),
        r.getKind(),
        r.getHint(),
        new SecretCipher.Sealed(r.getKeyId(), r.getCiphertext()),
        r.getPosition());
  }

  private static List<CredentialInfo> credentials(DSLContext dsl, UUID providerId) {
    return dsl.select(
            PROVIDER_CREDENTIALS.ID,
            PROVIDER_CREDENTIALS.KIND,
            PROVIDER_CREDENTIALS.HINT,
            PROVIDER_CREDENTIALS.CREATED_AT,
            PROVIDER_CREDENTIAL_STATUS.ERROR,
            PROVIDER_CREDENTIAL_STATUS.FAILING_SINCE)
        .from(PROVIDER_CREDENTIALS)
        .leftJoin(PROVIDER_CREDENTIAL_STATUS)
        .on(PROVIDER_CREDENTIAL_STATUS.CREDENTIAL_ID.eq(PROVIDER_CREDENTIALS.ID))
        .where(PROVIDER_CREDENTIALS.PROVIDER_ID.eq(providerId))
        .orderBy(PROVIDER_CREDENTIALS.POSITION)
        .fetch(
            r ->
                new CredentialInfo(
                    r.value1(),
                    r.value2(),
                    r.value3(),
                    Times.instant(r.value4()),
                    r.value5(),
                    r.value6() == null ? null : Times.instant(r.value6())));
  }

  private static Provider provider(ProvidersRecord r, List<CredentialInfo> credentials) {
    return new Provider(
        r.getId(),
        r.getName(),
        r.getSchema(),
        r.getBaseUrl(),
        Jsonb.stringMap(r.getSettings()),
        credentials,
        r.getVersion(),
        Times.instant(r.getCreatedAt()),
        Times.instant(r.getUpdatedAt()));
  }
}
