package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.util.Map;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Kind {@code aws}: a stored access key (and optional session token) signs with SigV4. */
record AwsKeysAuth(AwsSigV4Signer signer, AwsCredentialsIdentity identity)
    implements Authenticator {
  AwsKeysAuth {
    requireNonNull(signer, "signer");
    requireNonNull(identity, "identity");
  }

  @Override
  public Map<String, String> headers(ProviderConfig provider, UpstreamRequest request)
      throws CredentialException {
    return SigV4.headers(signer, provider, request, identity);
  }

  @Override
  public String toString() {
    return "AwsKeysAuth[" + identity.accessKeyId() + "]";
  }
}
