package dev.aigateway.dataplane.credential;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.credential.aws.AwsSigV4Signer;
import dev.aigateway.dataplane.credential.gcp.GcpAccessTokens;
import dev.aigateway.dataplane.credential.provider.UpstreamAuth;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses a provider credential (round robin when there are several) and gives the headers that
 * carry it in the form the provider's schema expects.
 */
public final class CredentialInjector {
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private final UpstreamAuth upstreamAuth;

  /** One per process: the AWS signer and the GCP token cache inside are shared by requests. */
  public CredentialInjector(UpstreamAuth upstreamAuth) {
    this.upstreamAuth = requireNonNull(upstreamAuth, "upstreamAuth");
  }

  /** With the production AWS signer and GCP token cache. */
  public CredentialInjector() {
    this(new UpstreamAuth(new AwsSigV4Signer(Clock.systemUTC()), new GcpAccessTokens()));
  }

  /** The header values are secrets: callers must never log them. */
  public sealed interface Result {
    record Headers(Map<String, String> headers) implements Result {}

    record Failed(GatewayError error) implements Result {}
  }

  /**
   * Whether {@link #headersFor} may block on the network: a Vertex AI access token is fetched from
   * Google when none is cached or it has expired (refreshes ahead of expiry do not block).
   */
  public boolean mayBlock(ProviderConfig provider) {
    return provider.schema() == ProviderSchema.GCP_VERTEX;
  }

  /**
   * The credential headers for {@code request}, the final translated request (SigV4 signs its path
   * and body, so nothing may change them afterwards).
   */
  public Result headersFor(ProviderConfig provider, UpstreamRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    UpstreamCredential credential = pick(provider);
    ProviderSchema schema = provider.schema();
    if (schema == null) {
      throw new IllegalStateException("unknown schema " + provider.schemaName());
    }
    switch (schema) {
      case ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX -> {
        if (credential == null) {
          return new Result.Failed(
              GatewayError.badGateway("Provider '" + provider.name() + "' has no credential."));
        }
        try {
          return new Result.Headers(upstreamAuth.headers(provider, credential, request));
        } catch (UpstreamAuth.AuthException e) {
          return new Result.Failed(GatewayError.badGateway(e.getMessage()));
        }
      }
      case OPENAI, OPENAI_COMPATIBLE, AZURE_OPENAI -> {
        // below
      }
    }
    String apiKey = credential == null ? null : credential.secret("api_key");
    if (credential != null && apiKey == null) {
      return new Result.Failed(
          GatewayError.badGateway(
              "Provider '"
                  + provider.name()
                  + "' has a credential of kind '"
                  + credential.kind()
                  + "' that its schema cannot use."));
    }
    switch (schema) {
      case OPENAI -> {
        if (apiKey != null) {
          headers.put("authorization", "Bearer " + apiKey);
        }
        String organization = provider.settings().get("organization");
        if (organization != null && !organization.isBlank()) {
          headers.put("openai-organization", organization);
        }
      }
      // Servers such as a local Ollama need no credential at all.
      case OPENAI_COMPATIBLE -> {
        if (apiKey != null) {
          headers.put("authorization", "Bearer " + apiKey);
        }
      }
      case AZURE_OPENAI -> {
        if (apiKey != null) {
          headers.put("api-key", apiKey);
        }
      }
      case ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX ->
          throw new IllegalStateException("handled above: " + schema);
    }
    return new Result.Headers(headers);
  }

  private UpstreamCredential pick(ProviderConfig provider) {
    List<UpstreamCredential> all = provider.credentials();
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() == 1) {
      return all.getFirst();
    }
    long n = counters.computeIfAbsent(provider.name(), k -> new AtomicLong()).getAndIncrement();
    return all.get((int) Math.floorMod(n, (long) all.size()));
  }
}
