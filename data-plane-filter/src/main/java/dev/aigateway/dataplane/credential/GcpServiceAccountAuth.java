package dev.aigateway.dataplane.credential;

import static dev.aigateway.dataplane.credential.RefreshingToken.READY_MARGIN;

import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Kind {@code gcp_service_account}: an access token from a stored service-account key (from its
 * {@code token_uri}), optionally impersonating another service account, as a bearer token.
 */
final class GcpServiceAccountAuth implements Authenticator {
  private final RefreshingToken token;

  private GcpServiceAccountAuth(RefreshingToken token) {
    this.token = token;
  }

  static GcpServiceAccountAuth create(String keyJson, Authenticators.Context context) {
    GoogleTokens.Loader key =
        () -> {
          try {
            return ServiceAccountCredentials.fromStream(
                new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8)));
          } catch (IOException | RuntimeException e) {
            // The library's messages can quote the key file: keep only the type.
            throw new IOException("not a valid service-account key: " + e.getClass().getName());
          }
        };
    return new GcpServiceAccountAuth(
        context.token(
            new GoogleTokens(key, context.field("impersonate_service_account"), context.cloud())));
  }

  @Override
  public Map<String, String> headers(ProviderConfig provider, UpstreamRequest request)
      throws CredentialException {
    return Map.of("authorization", "Bearer " + token.get());
  }

  @Override
  public boolean ready() {
    return token.validFor(READY_MARGIN);
  }

  @Override
  public void warmUp() throws CredentialException {
    token.get();
  }

  @Override
  public void close() {
    token.close();
  }
}
