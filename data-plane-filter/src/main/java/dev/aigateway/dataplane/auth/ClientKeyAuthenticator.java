package dev.aigateway.dataplane.auth;

import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.vocabulary.key.KeyHash;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/** Finds the client key a request presents ({@code Authorization: Bearer} or {@code x-api-key}). */
public final class ClientKeyAuthenticator {
  private final Clock clock;

  public ClientKeyAuthenticator(Clock clock) {
    this.clock = clock;
  }

  /** Either a valid key or the 401 to answer; messages never echo the presented key. */
  public sealed interface Result {
    record Authenticated(ClientKey key) implements Result {}

    record Refused(GatewayError error) implements Result {}
  }

  public Result authenticate(
      ConfigSnapshot config, @Nullable String authorization, @Nullable String apiKeyHeader) {
    String token = token(authorization, apiKeyHeader);
    if (token == null) {
      return new Result.Refused(
          GatewayError.invalidApiKey(
              "You didn't provide an API key. Send it as 'Authorization: Bearer sk-gw-...'."));
    }
    ClientKey key = config.keyByHash(KeyHash.of(token));
    if (key == null || !key.isValidAt(clock.instant())) {
      return new Result.Refused(
          GatewayError.invalidApiKey("Incorrect, expired or revoked API key provided."));
    }
    return new Result.Authenticated(key);
  }

  private static @Nullable String token(@Nullable String authorization, @Nullable String apiKey) {
    if (authorization != null) {
      String value = authorization.strip();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
      }
    }
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.strip();
    }
    return null;
  }
}
