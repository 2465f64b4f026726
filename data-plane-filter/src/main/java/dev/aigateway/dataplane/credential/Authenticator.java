package dev.aigateway.dataplane.credential;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.util.Map;

/**
 * Turns one stored credential into the headers of an upstream request: one class per credential
 * kind, as ai-gateway's {@code backendauth} has one handler per auth type. Instances live as long
 * as their credential is unchanged and keep its tokens; header values are secrets.
 */
sealed interface Authenticator
    permits ApiKeyAuth,
        AwsKeysAuth,
        AwsDefaultAuth,
        GcpServiceAccountAuth,
        GcpDefaultAuth,
        AzureClientSecretAuth,
        AzureDefaultAuth {

  /**
   * The credential headers for {@code request}, the final translated request (SigV4 signs its path
   * and body).
   */
  Map<String, String> headers(ProviderConfig provider, UpstreamRequest request)
      throws CredentialException;

  /**
   * Gets the first token (or credentials) ahead of the first request; called off the request path
   * when the credential appears in the configuration. Does nothing for kinds without tokens.
   */
  default void warmUp() throws CredentialException {}

  /**
   * Whether {@link #headers} answers now, without the network (a token cached for a while yet):
   * then the request need not move off the event loop.
   */
  default boolean ready() {
    return true;
  }

  /** Stops background refreshes; the credential was changed or removed. */
  default void close() {}
}
