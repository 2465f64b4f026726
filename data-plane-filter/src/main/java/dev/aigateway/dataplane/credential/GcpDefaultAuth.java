package dev.aigateway.dataplane.credential;

import static dev.aigateway.dataplane.credential.RefreshingToken.READY_MARGIN;

import com.google.auth.oauth2.GoogleCredentials;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Kind {@code gcp_default}: Google application default credentials (the key file named by {@code
 * GOOGLE_APPLICATION_CREDENTIALS}, workload identity federation, the metadata server on GKE and
 * Compute Engine), optionally impersonating a service account.
 */
final class GcpDefaultAuth implements Authenticator {
  private final RefreshingToken token;

  private GcpDefaultAuth(RefreshingToken token) {
    this.token = token;
  }

  static GcpDefaultAuth create(Authenticators.Context context) {
    CloudEnvironment cloud = context.cloud();
    return new GcpDefaultAuth(
        context.token(
            new GoogleTokens(
                () -> applicationDefault(cloud),
                context.field("impersonate_service_account"),
                cloud)));
  }

  /**
   * What {@link GoogleCredentials#getApplicationDefault()} finds, except that the key-file variable
   * is read through {@link CloudEnvironment} (the process environment outside tests).
   */
  private static GoogleCredentials applicationDefault(CloudEnvironment cloud) throws IOException {
    String file = cloud.get("GOOGLE_APPLICATION_CREDENTIALS");
    if (file != null) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        return GoogleCredentials.fromStream(in);
      }
    }
    return GoogleCredentials.getApplicationDefault();
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
