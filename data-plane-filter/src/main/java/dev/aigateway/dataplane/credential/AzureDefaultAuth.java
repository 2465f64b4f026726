package dev.aigateway.dataplane.credential;

import static dev.aigateway.dataplane.credential.RefreshingToken.READY_MARGIN;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.ManagedIdentityApplication;
import com.microsoft.aad.msal4j.ManagedIdentityId;
import com.microsoft.aad.msal4j.ManagedIdentityParameters;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Kind {@code azure_default}: the process's Azure identity. With workload identity (AKS sets {@code
 * AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE} and {@code
 * AZURE_AUTHORITY_HOST}) the projected token is exchanged in the client-credentials flow; otherwise
 * the managed identity endpoint (App Service, Container Apps, VMs) gives the token. An optional
 * {@code client_id} picks a user-assigned identity.
 */
final class AzureDefaultAuth implements Authenticator {
  private final RefreshingToken token;

  private AzureDefaultAuth(RefreshingToken token) {
    this.token = token;
  }

  static AzureDefaultAuth create(Authenticators.Context context) throws CredentialException {
    CloudEnvironment cloud = context.cloud();
    String clientId = context.field("client_id");
    if (clientId == null) {
      clientId = cloud.get("AZURE_CLIENT_ID");
    }
    String tokenFile = cloud.get("AZURE_FEDERATED_TOKEN_FILE");
    String tenantId = cloud.get("AZURE_TENANT_ID");
    if (tokenFile != null && tenantId != null && clientId != null) {
      String authority = cloud.get("AZURE_AUTHORITY_HOST");
      // The kubelet rotates the projected token: read it for every exchange.
      Path file = Path.of(tokenFile);
      return new AzureDefaultAuth(
          context.token(
              EntraTokens.clientCredentials(
                  authority != null ? authority : context.authorityHost(),
                  tenantId,
                  clientId,
                  ClientCredentialFactory.createFromCallback(
                      () -> Files.readString(file, StandardCharsets.UTF_8).trim()),
                  cloud.entraTls())));
    }
    return new AzureDefaultAuth(context.token(managedIdentity(clientId)));
  }

  private static RefreshingToken.Source managedIdentity(@Nullable String clientId) {
    ManagedIdentityApplication app =
        ManagedIdentityApplication.builder(
                clientId == null
                    ? ManagedIdentityId.systemAssigned()
                    : ManagedIdentityId.userAssignedClientId(clientId))
            .build();
    return () -> {
      IAuthenticationResult result =
          app.acquireTokenForManagedIdentity(
                  ManagedIdentityParameters.builder(EntraTokens.RESOURCE)
                      .forceRefresh(true)
                      .build())
              .get(EntraTokens.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new RefreshingToken.Token(result.accessToken(), result.expiresOnDate().toInstant());
    };
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
