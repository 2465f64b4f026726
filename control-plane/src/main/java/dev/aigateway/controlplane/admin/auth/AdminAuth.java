package dev.aigateway.controlplane.admin.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.db.Database;
import dev.aigateway.db.admintoken.AdminTokenRepository;
import dev.aigateway.db.secret.Hashes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * Bearer-token authentication for every {@code /api/v1} route, registered as a before-handler so it
 * also covers routes other packages add. Viewers may only read.
 */
public final class AdminAuth {
  /** Admin tokens: a recognisable prefix and 32 random bytes. */
  public static final String TOKEN_PREFIX = "gw-admin-";

  private final Database database;

  /**
   * Hashes of tokens that matched no token: a client repeating a bad token gets its 401 without a
   * database round trip (each took a pooled connection). Tokens are random, so a token created
   * later never has a hash seen here before; revoked tokens are still looked up every time.
   */
  private final Cache<ByteBuffer, Boolean> unknown =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(5)).build();

  public AdminAuth(Database database) {
    this.database = database;
  }

  /** The before-handler: attaches the {@link Principal} or answers 401 / 403. */
  public void handle(Context ctx) {
    if (ctx.method() == HandlerType.OPTIONS) {
      return;
    }
    String token = bearer(ctx.header("Authorization"));
    if (token == null) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiProblem.of(
          401, "Unauthorized", "an admin token is required: Authorization: Bearer <token>");
    }
    Principal principal =
        authenticate(token)
            .orElseThrow(
                () -> {
                  ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                  return ApiProblem.of(401, "Unauthorized", "the admin token is not valid");
                });
    if (principal.role() == Principal.Role.VIEWER && !isRead(ctx.method())) {
      throw ApiProblem.of(403, "Forbidden", "the viewer role can only read");
    }
    principal.attachTo(ctx);
  }

  private Optional<Principal> authenticate(String token) {
    byte[] hash = Hashes.sha256(token);
    ByteBuffer key = ByteBuffer.wrap(hash);
    if (unknown.getIfPresent(key) != null) {
      return Optional.empty();
    }
    Optional<Principal> principal = lookup(hash);
    if (principal.isEmpty()) {
      unknown.put(key, Boolean.TRUE);
    }
    return principal;
  }

  private Optional<Principal> lookup(byte[] hash) {
    return AdminTokenRepository.findByHash(database.dsl(), hash)
        // The lookup is by hash; the explicit constant-time check guards against any index
        // collation surprise and keeps the comparison independent of where the digests differ.
        .filter(m -> Hashes.equal(m.hash(), hash))
        .filter(m -> m.token().revokedAt() == null)
        .map(m -> new Principal(m.token().name(), Principal.Role.fromWire(m.token().role())));
  }

  private static boolean isRead(HandlerType method) {
    return method == HandlerType.GET || method == HandlerType.HEAD;
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = value.substring(7).trim();
    return token.isEmpty() || token.length() > 512 ? null : token;
  }
}
