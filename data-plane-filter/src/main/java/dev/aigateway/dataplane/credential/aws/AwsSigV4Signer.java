package dev.aigateway.dataplane.credential.aws;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Signs an upstream request with AWS Signature Version 4 using the AWS SDK for Java v2 signer. It
 * must run on the final translated body and path, after translation, since both are signed.
 */
public final class AwsSigV4Signer {
  /** Bedrock Runtime's signing name. */
  public static final String BEDROCK = "bedrock";

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final Clock clock;

  public AwsSigV4Signer(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** The AWS credential fields stored for kind {@code aws} (docs/contracts.md). */
  public record Credentials(
      String accessKeyId, String secretAccessKey, @Nullable String sessionToken) {
    public Credentials {
      requireNonNull(accessKeyId, "accessKeyId");
      requireNonNull(secretAccessKey, "secretAccessKey");
    }

    @Override
    public String toString() {
      return "Credentials[accessKeyId=" + accessKeyId + "]";
    }
  }

  /**
   * The headers to add to the request: {@code authorization}, {@code x-amz-date} and, for temporary
   * credentials, {@code x-amz-security-token}. Values are secrets: never log them.
   *
   * @param url scheme, host, port, path and query exactly as sent upstream
   * @param headers headers that are sent and must be signed (host is taken from the URL)
   */
  public Map<String, String> sign(
      String method,
      URI url,
      Map<String, String> headers,
      byte[] body,
      Credentials credentials,
      String region,
      String service) {
    AwsCredentialsIdentity identity =
        credentials.sessionToken() == null || credentials.sessionToken().isEmpty()
            ? AwsCredentialsIdentity.create(
                credentials.accessKeyId(), credentials.secretAccessKey())
            : AwsSessionCredentialsIdentity.create(
                credentials.accessKeyId(),
                credentials.secretAccessKey(),
                credentials.sessionToken());
    return sign(method, url, headers, body, identity, region, service);
  }

  /** As above, with credentials as the AWS SDK's providers give them. */
  public Map<String, String> sign(
      String method,
      URI url,
      Map<String, String> headers,
      byte[] body,
      AwsCredentialsIdentity identity,
      String region,
      String service) {
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(url);
    headers.forEach(request::putHeader);
    SignedRequest signed =
        signer.sign(
            r ->
                r.request(request.build())
                    .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                    .identity(identity)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    Map<String, String> added = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
      String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
      if (name.equals("authorization")
          || name.startsWith("x-amz-")
          || !containsIgnoreCase(headers, name)) {
        if (!name.equals("host")) {
          added.put(name, String.join(",", header.getValue()));
        }
      }
    }
    return added;
  }

  private static boolean containsIgnoreCase(Map<String, String> headers, String name) {
    for (String key : headers.keySet()) {
      if (key.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
