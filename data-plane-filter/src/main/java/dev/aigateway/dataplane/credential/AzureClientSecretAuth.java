package dev.aigateway.dataplane.credential;

import static dev.aigateway.dataplane.credential.RefreshingToken.READY_MARGIN;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.util.Map;

/**
 * Kind {@code azure_client_secret}: an Entra ID token from the client-credentials flow at the
 * provider's {@code authority_host}, as {@code Authorization: Bearer}.
 */
final class AzureClientSecretAuth implements Authenticator {
  private final RefreshingToken token;

  private AzureClientSecretAuth(RefreshingToken token) {
    this.token = token;
  }

  static AzureClientSecretAuth create(
      String tenantId, String clientId, String clientSecret, Authenticators.Context context)
      throws CredentialException {
    return new AzureClientSecretAuth(
        context.token(
            EntraTokens.clientCredentials(
                context.authorityHost(),
                tenantId,
                clientId,
                ClientCredentialFactory.createFromSecret(clientSecret),
                context.cloud().entraTls())));
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
