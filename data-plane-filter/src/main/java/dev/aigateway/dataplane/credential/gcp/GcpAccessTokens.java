package dev.aigateway.dataplane.credential.gcp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.aigateway.dataplane.config.UpstreamCredential;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * OAuth access tokens for Vertex AI from service-account keys (credential kind {@code
 * gcp_service_account}), obtained with Google's auth library. One {@link GoogleCredentials} is kept
 * per credential and key version, so its token is cached across requests; the library refreshes it
 * when it enters its refresh margin (minutes before expiry), never per request.
 */
public final class GcpAccessTokens {
  /** The scope Vertex AI requires. */
  public static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

  /** Why no token could be had; the message never contains the key. */
  public static final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    TokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Key(UUID credentialId, String keyDigest) {}

  private final Cache<Key, GoogleCredentials> credentials =
      Caffeine.newBuilder().maximumSize(1_000).build();

  /** A valid access token for this credential (cached; refreshed ahead of expiry). */
  public String accessToken(UpstreamCredential credential) throws TokenException {
    String json = credential.secret("service_account_json");
    if (json == null) {
      throw new TokenException(
          "Credential " + credential.id() + " has no service_account_json field.", null);
    }
    // A rotated key under the same credential id gets new credentials, not the old token.
    Key key = new Key(credential.id(), sha256(json));
    GoogleCredentials google;
    try {
      google = credentials.get(key, k -> load(json));
    } catch (IllegalArgumentException e) {
      throw new TokenException(
          "Credential " + credential.id() + " is not a valid service-account key.", e);
    }
    try {
      google.refreshIfExpired();
    } catch (IOException e) {
      throw new TokenException(
          "Getting an access token for credential " + credential.id() + " failed.", e);
    }
    AccessToken token = google.getAccessToken();
    if (token == null) {
      throw new TokenException(
          "The token endpoint gave no access token for credential " + credential.id() + ".", null);
    }
    return token.getTokenValue();
  }

  private static GoogleCredentials load(String json) {
    try {
      return ServiceAccountCredentials.fromStream(
              new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
          .createScoped(List.of(CLOUD_PLATFORM));
    } catch (IOException | RuntimeException e) {
      // The library's messages can quote the key file; keep only the type.
      throw new IllegalArgumentException(e.getClass().getSimpleName());
    }
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
