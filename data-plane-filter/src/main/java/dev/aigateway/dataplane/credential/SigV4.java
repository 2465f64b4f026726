package dev.aigateway.dataplane.credential;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The SigV4 headers of a Bedrock request, whichever kind supplied the AWS credentials. */
final class SigV4 {
  private SigV4() {}

  static Map<String, String> headers(
      AwsSigV4Signer signer,
      ProviderConfig provider,
      UpstreamRequest request,
      AwsCredentialsIdentity identity)
      throws CredentialException {
    String region = provider.setting("region", "");
    if (region.isEmpty()) {
      throw new CredentialException(
          "Provider '" + provider.name() + "' has no region setting.", null);
    }
    // The signed host is exactly the host header Envoy's route writes (EnvoyHost).
    URI url = EnvoyHost.signedUrl(URI.create(provider.baseUrl()), request.path());
    Map<String, String> signed = new LinkedHashMap<>(request.headers());
    return signer.sign(
        "POST", url, signed, request.body(), identity, region, AwsSigV4Signer.BEDROCK);
  }
}
