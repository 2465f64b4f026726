package dev.aigateway.db.key;

import static dev.aigateway.db.jooq.Tables.API_KEYS;
import static dev.aigateway.db.jooq.Tables.TEAMS;

import dev.aigateway.db.Page;
import dev.aigateway.db.Times;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** Client keys (hash and prefix only). Every method runs in the caller's context. */
public final class ApiKeyRepository {
  private ApiKeyRepository() {}

  public static Optional<ApiKey> find(DSLContext dsl, UUID id) {
    return base(dsl).where(API_KEYS.ID.eq(id)).fetchOptional(ApiKeyRepository::key);
  }

  public static Optional<ApiKey> lock(DSLContext tx, UUID id) {
    return base(tx)
        .where(API_KEYS.ID.eq(id))
        .forUpdate()
        .of(API_KEYS)
        .fetchOptional(ApiKeyRepository::key);
  }

  /**
   * Keys, newest first.
   *
   * @param status {@code active}, {@code revoked}, {@code expired} or null for all
   */
  public static Page<ApiKey> list(
      DSLContext dsl,
      @Nullable UUID teamId,
      @Nullable String status,
      @Nullable String nameContains,
      Instant now,
      int limit,
      int offset) {
    Condition where = DSL.trueCondition();
    if (teamId != null) {
      where = where.and(API_KEYS.TEAM_ID.eq(teamId));
    }
    if (nameContains != null) {
      where = where.and(API_KEYS.NAME.containsIgnoreCase(nameContains));
    }
    if (status != null) {
      var at = Times.utc(now);
      where =
          where.and(
              switch (status) {
                case "revoked" -> API_KEYS.REVOKED_AT.isNotNull();
                case "expired" -> API_KEYS.REVOKED_AT.isNull().and(API_KEYS.EXPIRES_AT.le(at));
                case "active" ->
                    API_KEYS
                        .REVOKED_AT
                        .isNull()
                        .and(API_KEYS.EXPIRES_AT.isNull().or(API_KEYS.EXPIRES_AT.gt(at)));
                default -> throw new IllegalArgumentException("status: " + status);
              });
    }
    long total = dsl.fetchCount(API_KEYS, where);
    List<ApiKey> items =
        base(dsl)
            .where(where)
            .orderBy(API_KEYS.CREATED_AT.desc(), API_KEYS.ID)
            .limit(limit)
            .offset(offset)
            .fetch(ApiKeyRepository::key);
    return new Page<>(items, total);
  }

  public static void insert(
      DSLContext tx,
      UUID id,
      String name,
      UUID teamId,
      String prefix,
      byte[] keyHash,
      List<String> allowedModels,
      @Nullable Instant expiresAt) {
    tx.insertInto(API_KEYS)
        .set(API_KEYS.ID, id)
        .set(API_KEYS.NAME, name)
        .set(API_KEYS.TEAM_ID, teamId)
        .set(API_KEYS.PREFIX, prefix)
        .set(API_KEYS.KEY_HASH, keyHash)
        .set(API_KEYS.ALLOWED_MODELS, allowedModels.toArray(String[]::new))
        .set(API_KEYS.EXPIRES_AT, Times.utc(expiresAt))
        .execute();
  }

  public static void update(
      DSLContext tx,
      UUID id,
      String name,
      List<String> allowedModels,
      @Nullable Instant expiresAt,
      @Nullable Instant revokedAt) {
    tx.update(API_KEYS)
        .set(API_KEYS.NAME, name)
        .set(API_KEYS.ALLOWED_MODELS, allowedModels.toArray(String[]::new))
        .set(API_KEYS.EXPIRES_AT, Times.utc(expiresAt))
        .set(API_KEYS.REVOKED_AT, Times.utc(revokedAt))
        .set(API_KEYS.VERSION, API_KEYS.VERSION.plus(1))
        .set(API_KEYS.UPDATED_AT, Times.now())
        .where(API_KEYS.ID.eq(id))
        .execute();
  }

  public static void delete(DSLContext tx, UUID id) {
    tx.deleteFrom(API_KEYS).where(API_KEYS.ID.eq(id)).execute();
  }

  private static org.jooq.SelectOnConditionStep<Record> base(DSLContext dsl) {
    return dsl.select(API_KEYS.asterisk(), TEAMS.NAME)
        .from(API_KEYS)
        .join(TEAMS)
        .on(TEAMS.ID.eq(API_KEYS.TEAM_ID));
  }

  private static ApiKey key(Record r) {
    String[] models = r.get(API_KEYS.ALLOWED_MODELS);
    return new ApiKey(
        r.get(API_KEYS.ID),
        r.get(API_KEYS.NAME),
        r.get(API_KEYS.TEAM_ID),
        r.get(TEAMS.NAME),
        r.get(API_KEYS.PREFIX),
        models == null ? List.of() : Arrays.asList(models),
        Times.instant(r.get(API_KEYS.EXPIRES_AT)),
        Times.instant(r.get(API_KEYS.REVOKED_AT)),
        r.get(API_KEYS.VERSION),
        Times.instant(r.get(API_KEYS.CREATED_AT)),
        Times.instant(r.get(API_KEYS.UPDATED_AT)));
  }
}
