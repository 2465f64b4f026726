package dev.aigateway.dataplane.credential;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import java.net.MalformedURLException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/** Entra ID tokens for Azure OpenAI from MSAL4J's client-credentials flow. */
final class EntraTokens {
  /** The scope Azure OpenAI (Cognitive Services) accepts tokens for. */
  static final String SCOPE = "https://cognitiveservices.azure.com/.default";

  /** The resource of {@link #SCOPE}, as managed identity endpoints want it. */
  static final String RESOURCE = "https://cognitiveservices.azure.com";

  static final long TIMEOUT_SECONDS = 30;

  private EntraTokens() {}

  /**
   * A source that asks {@code authorityHost/tenant} for a token with {@code credential} (a client
   * secret or a federated assertion).
   */
  static RefreshingToken.Source clientCredentials(
      String authorityHost,
      String tenantId,
      String clientId,
      IClientCredential credential,
      @Nullable SSLSocketFactory tls)
      throws CredentialException {
    ConfidentialClientApplication app;
    try {
      ConfidentialClientApplication.Builder builder =
          ConfidentialClientApplication.builder(clientId, credential)
              .authority(trimSlash(authorityHost) + "/" + tenantId + "/")
              // Sovereign and private authority hosts are not in the public cloud's instance list.
              .instanceDiscovery(false);
      if (tls != null) {
        builder.sslSocketFactory(tls);
      }
      app = builder.build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new CredentialException(
          "The Entra ID authority " + authorityHost + " is not a valid https URL.", e);
    }
    return () -> {
      IAuthenticationResult result =
          app.acquireToken(
                  ClientCredentialParameters.builder(Set.of(SCOPE))
                      // RefreshingToken decides when a new token is due.
                      .skipCache(true)
                      .build())
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new RefreshingToken.Token(result.accessToken(), result.expiresOnDate().toInstant());
    };
  }

  private static String trimSlash(String host) {
    return host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
  }
}
