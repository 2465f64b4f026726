package dev.aigateway.dataplane.credential.provider;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.credential.gcp.GcpAccessTokens;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The credential headers of the non-OpenAI schemas, computed on the final translated request (SigV4
 * signs its path and body): {@code x-api-key} for Anthropic, {@code x-goog-api-key} for the Gemini
 * API, a service-account access token for Vertex AI, a SigV4 signature for Bedrock.
 *
 * <p>Meant to be called by the credential injector after translation, with the credential it
 * picked; header values are secrets and must never be logged.
 */
public final class UpstreamAuth {
  private final AwsSigV4Signer signer;
  private final GcpAccessTokens gcpTokens;

  public UpstreamAuth(AwsSigV4Signer signer, GcpAccessTokens gcpTokens) {
    this.signer = requireNonNull(signer, "signer");
    this.gcpTokens = requireNonNull(gcpTokens, "gcpTokens");
  }

  /** Why a credential could not be turned into headers; the message names no secret. */
  public static final class AuthException extends Exception {
    private static final long serialVersionUID = 1L;

    AuthException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Map<String, String> headers(
      ProviderConfig provider, UpstreamCredential credential, UpstreamRequest request)
      throws AuthException {
    ProviderSchema schema = requireNonNull(provider.schema(), "schema");
    return switch (schema) {
      case ANTHROPIC -> Map.of("x-api-key", secret(provider, credential, "api_key"));
      case GEMINI -> Map.of("x-goog-api-key", secret(provider, credential, "api_key"));
      case GCP_VERTEX -> {
        try {
          yield Map.of("authorization", "Bearer " + gcpTokens.accessToken(credential));
        } catch (GcpAccessTokens.TokenException e) {
          throw new AuthException(e.getMessage(), e);
        }
      }
      case AWS_BEDROCK -> sigV4(provider, credential, request);
      case OPENAI, OPENAI_COMPATIBLE, AZURE_OPENAI ->
          throw new IllegalArgumentException(
              "schema: " + schema + " (expected: a schema this class authenticates)");
    };
  }

  private Map<String, String> sigV4(
      ProviderConfig provider, UpstreamCredential credential, UpstreamRequest request)
      throws AuthException {
    String region = provider.setting("region", "");
    if (region.isEmpty()) {
      throw new AuthException("Provider '" + provider.name() + "' has no region setting.", null);
    }
    AwsSigV4Signer.Credentials aws =
        new AwsSigV4Signer.Credentials(
            secret(provider, credential, "access_key_id"),
            secret(provider, credential, "secret_access_key"),
            credential.secret("session_token"));
    URI base = URI.create(provider.baseUrl());
    // The signed host is exactly the host header Envoy's route writes (EnvoyHost).
    URI url = EnvoyHost.signedUrl(base, request.path());
    Map<String, String> signed = new LinkedHashMap<>();
    request.headers().forEach(signed::put);
    return signer.sign("POST", url, signed, request.body(), aws, region, AwsSigV4Signer.BEDROCK);
  }

  private static String secret(ProviderConfig provider, UpstreamCredential credential, String field)
      throws AuthException {
    String value = credential.secret(field);
    if (value == null || value.isEmpty()) {
      throw new AuthException(
          "Provider '"
              + provider.name()
              + "' has a credential of kind '"
              + credential.kind()
              + "' without the field '"
              + field
              + "'.",
          null);
    }
    return value;
  }
}
