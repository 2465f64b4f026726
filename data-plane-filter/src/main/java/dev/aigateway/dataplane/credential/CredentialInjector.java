package dev.aigateway.dataplane.credential;

import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.error.GatewayError;
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

  /** The header values are secrets: callers must never log them. */
  public sealed interface Result {
    record Headers(Map<String, String> headers) implements Result {}

    record Failed(GatewayError error) implements Result {}
  }

  public Result headersFor(ProviderConfig provider) {
    Map<String, String> headers = new LinkedHashMap<>();
    UpstreamCredential credential = pick(provider);
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
    ProviderSchema schema = provider.schema();
    if (schema == null) {
      throw new IllegalStateException("unknown schema " + provider.schemaName());
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
      // UNFINISHED (multi-provider issue): x-api-key, SigV4, service-account and Entra ID tokens.
      case ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX ->
          throw new IllegalStateException(
              "no credential injection for schema " + provider.schemaName());
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
