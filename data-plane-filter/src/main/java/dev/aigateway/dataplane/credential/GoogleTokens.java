package dev.aigateway.dataplane.credential;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Google's auth library as a {@link RefreshingToken.Source}: the credentials are loaded on the
 * first fetch (finding the metadata server can take seconds), scoped for Vertex AI, and optionally
 * used to impersonate a service account through the IAM Credentials API.
 */
final class GoogleTokens implements RefreshingToken.Source {
  /** The scope Vertex AI requires. */
  static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

  @FunctionalInterface
  interface Loader {
    GoogleCredentials load() throws IOException;
  }

  private final Loader loader;
  private final @Nullable String impersonate;
  private final CloudEnvironment cloud;
  private @Nullable GoogleCredentials credentials;

  GoogleTokens(Loader loader, @Nullable String impersonate, CloudEnvironment cloud) {
    this.loader = loader;
    this.impersonate = impersonate;
    this.cloud = cloud;
  }

  @Override
  public synchronized RefreshingToken.Token fetch() throws IOException {
    if (credentials == null) {
      credentials = effective(loader.load());
    }
    AccessToken token = credentials.refreshAccessToken();
    if (token == null || token.getExpirationTime() == null) {
      throw new IOException("the token endpoint gave no expiring token");
    }
    return new RefreshingToken.Token(token.getTokenValue(), token.getExpirationTime().toInstant());
  }

  private GoogleCredentials effective(GoogleCredentials source) {
    GoogleCredentials scoped =
        source.createScopedRequired() ? source.createScoped(List.of(CLOUD_PLATFORM)) : source;
    if (impersonate == null) {
      return scoped;
    }
    ImpersonatedCredentials.Builder builder =
        ImpersonatedCredentials.newBuilder()
            .setSourceCredentials(scoped)
            .setTargetPrincipal(impersonate)
            .setScopes(List.of(CLOUD_PLATFORM))
            .setLifetime(3600);
    if (cloud.iamCredentialsEndpoint() != null) {
      builder.setIamEndpointOverride(cloud.iamCredentialsEndpoint());
    }
    return builder.build();
  }
}
