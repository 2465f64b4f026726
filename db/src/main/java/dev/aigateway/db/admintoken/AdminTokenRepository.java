package dev.aigateway.db.admintoken;

import static dev.aigateway.db.jooq.Tables.ADMIN_TOKENS;

import dev.aigateway.db.Page;
import dev.aigateway.db.Times;
import dev.aigateway.db.jooq.tables.records.AdminTokensRecord;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Admin API tokens. Every method runs in the caller's context. */
public final class AdminTokenRepository {
  private AdminTokenRepository() {}

  /** The token with this hash, revoked or not, and its stored hash. */
  public record Match(AdminToken token, byte[] hash) {}

  public static Optional<Match> findByHash(DSLContext dsl, byte[] hash) {
    return dsl.selectFrom(ADMIN_TOKENS)
        .where(ADMIN_TOKENS.TOKEN_HASH.eq(hash))
        .fetchOptional(r -> new Match(token(r), r.getTokenHash()));
  }

  public static Optional<AdminToken> find(DSLContext dsl, UUID id) {
    return dsl.selectFrom(ADMIN_TOKENS)
        .where(ADMIN_TOKENS.ID.eq(id))
        .fetchOptional(AdminTokenRepository::token);
  }

  public static Page<AdminToken> list(DSLContext dsl, int limit, int offset) {
    long total = dsl.fetchCount(ADMIN_TOKENS);
    List<AdminToken> items =
        dsl.selectFrom(ADMIN_TOKENS)
            .orderBy(ADMIN_TOKENS.CREATED_AT.desc(), ADMIN_TOKENS.ID)
            .limit(limit)
            .offset(offset)
            .fetch(AdminTokenRepository::token);
    return new Page<>(items, total);
  }

  /** Number of tokens that can still sign in with role admin. */
  public static int countActiveAdmins(DSLContext dsl) {
    return dsl.fetchCount(
        ADMIN_TOKENS, ADMIN_TOKENS.ROLE.eq("admin").and(ADMIN_TOKENS.REVOKED_AT.isNull()));
  }

  /** Inserts a token; false when a token with the same hash already exists. */
  public static boolean insert(
      DSLContext tx, UUID id, String name, String role, String prefix, byte[] hash) {
    return tx.insertInto(ADMIN_TOKENS)
            .set(ADMIN_TOKENS.ID, id)
            .set(ADMIN_TOKENS.NAME, name)
            .set(ADMIN_TOKENS.ROLE, role)
            .set(ADMIN_TOKENS.PREFIX, prefix)
            .set(ADMIN_TOKENS.TOKEN_HASH, hash)
            .onConflict(ADMIN_TOKENS.TOKEN_HASH)
            .doNothing()
            .execute()
        == 1;
  }

  /**
   * Stores a configured token, or re-activates it when it exists (the operator configured it, so it
   * must be accepted); true when a row was inserted or re-activated.
   */
  public static boolean upsertActive(
      DSLContext tx, UUID id, String name, String role, String prefix, byte[] hash) {
    if (insert(tx, id, name, role, prefix, hash)) {
      return true;
    }
    return tx.update(ADMIN_TOKENS)
            .setNull(ADMIN_TOKENS.REVOKED_AT)
            .where(ADMIN_TOKENS.TOKEN_HASH.eq(hash).and(ADMIN_TOKENS.REVOKED_AT.isNotNull()))
            .execute()
        == 1;
  }

  public static void revoke(DSLContext tx, UUID id) {
    tx.update(ADMIN_TOKENS)
        .set(ADMIN_TOKENS.REVOKED_AT, Times.now())
        .where(ADMIN_TOKENS.ID.eq(id).and(ADMIN_TOKENS.REVOKED_AT.isNull()))
        .execute();
  }

  private static AdminToken token(AdminTokensRecord r) {
    return new AdminToken(
        r.getId(),
        r.getName(),
        r.getRole(),
        r.getPrefix(),
        Times.instant(r.getCreatedAt()),
        Times.instant(r.getRevokedAt()));
  }
}
