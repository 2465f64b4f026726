package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Kind {@code aws_default}: the AWS SDK's default credential chain (environment, web identity token
 * / IRSA, Pod Identity and ECS container credentials, instance profile), optionally assuming {@code
 * role_arn} through STS. The SDK caches the credentials and refreshes them in the background.
 */
final class AwsDefaultAuth implements Authenticator {
  private final AwsSigV4Signer signer;
  private final AwsCredentialsProvider credentials;
  private final @Nullable StsClient sts;
  private final String description;

  private AwsDefaultAuth(
      AwsSigV4Signer signer,
      AwsCredentialsProvider credentials,
      @Nullable StsClient sts,
      String description) {
    this.signer = signer;
    this.credentials = credentials;
    this.sts = sts;
    this.description = description;
  }

  /**
   * @param chain the process's default chain, shared by every credential of this kind
   * @param region the provider's region, where STS is called (regional STS endpoints)
   */
  static AwsDefaultAuth create(
      AwsSigV4Signer signer,
      AwsCredentialsProvider chain,
      String region,
      @Nullable String roleArn,
      @Nullable String externalId,
      @Nullable String sessionName,
      @Nullable String stsEndpoint,
      String description) {
    requireNonNull(signer, "signer");
    requireNonNull(chain, "chain");
    if (roleArn == null) {
      return new AwsDefaultAuth(signer, chain, null, description);
    }
    StsClientBuilder builder =
        StsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(chain)
            .httpClient(UrlConnectionHttpClient.create());
    if (stsEndpoint != null) {
      // AWS_ENDPOINT_URL_STS: VPC endpoints, FIPS, or a local stand-in.
      builder.endpointOverride(URI.create(stsEndpoint));
    }
    StsClient sts = builder.build();
    StsAssumeRoleCredentialsProvider assumed =
        StsAssumeRoleCredentialsProvider.builder()
            .stsClient(sts)
            .asyncCredentialUpdateEnabled(true)
            .refreshRequest(
                r -> {
                  r.roleArn(roleArn)
                      .roleSessionName(sessionName == null ? "ai-gateway" : sessionName);
                  if (externalId != null) {
                    r.externalId(externalId);
                  }
                })
            .build();
    return new AwsDefaultAuth(signer, assumed, sts, description);
  }

  @Override
  public Map<String, String> headers(ProviderConfig provider, UpstreamRequest request)
      throws CredentialException {
    software.amazon.awssdk.auth.credentials.AwsCredentials resolved;
    try {
      resolved = credentials.resolveCredentials();
    } catch (SdkException | IllegalStateException e) {
      throw new CredentialException("Getting AWS credentials for " + description + " failed.", e);
    }
    return SigV4.headers(signer, provider, request, resolved);
  }

  /** The SDK does not say whether its cached credentials are fresh: STS may be called. */
  @Override
  public boolean ready() {
    return false;
  }

  @Override
  public void warmUp() throws CredentialException {
    try {
      credentials.resolveCredentials();
    } catch (SdkException | IllegalStateException e) {
      throw new CredentialException("Getting AWS credentials for " + description + " failed.", e);
    }
  }

  @Override
  public void close() {
    if (credentials instanceof AutoCloseable closeable && sts != null) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing only stops the background refresh
      }
      sts.close();
    }
  }

  @Override
  public String toString() {
    return "AwsDefaultAuth[" + description + "]";
  }
}
