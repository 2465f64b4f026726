package dev.aigateway.controlplane.admin.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.db.provider.Provider;
import dev.aigateway.db.provider.SealedCredential;
import dev.aigateway.db.secret.SecretException;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a provider is reachable with its first credential by listing its models. Results
 * never contain the credential or the upstream response body (which might echo it).
 */
final class ProviderTester {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper PLAIN = new ObjectMapper();

  /** {@code {"ok", "status", "latency_ms", "detail"}}. */
  record Result(boolean ok, @Nullable Integer status, @Nullable Long latencyMs, String detail) {}

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  Result test(
      Provider provider,
      List<SealedCredential> credentials,
      Function<SealedCredential, Map<String, Object>> open) {
    ProviderSchema schema = ProviderSchema.fromWire(provider.schema()).orElseThrow();
    Map<String, Object> secret = null;
    if (!credentials.isEmpty()) {
      SealedCredential first = credentials.get(0);
      CredentialKind kind = CredentialKind.fromWire(first.kind()).orElse(null);
      if (kind == null) {
        return new Result(false, null, null, "unknown credential kind " + first.kind());
      }
      switch (kind) {
        case API_KEY -> {
          // tested below
        }
        case AWS,
            AWS_DEFAULT,
            GCP_SERVICE_ACCOUNT,
            GCP_DEFAULT,
            AZURE_CLIENT_SECRET,
            AZURE_DEFAULT -> {
          // Tokens and signatures are made by the data plane (with the gateway host's cloud
          // identity for the *_default kinds); its failures show in the provider's status.
          return new Result(
              false,
              null,
              null,
              "testing "
                  + kind.wire()
                  + " credentials from the admin API is not supported; send a request through"
                  + " the gateway");
        }
      }
      try {
        secret = open.apply(first);
      } catch (SecretException e) {
        return new Result(false, null, null, e.getMessage());
      }
    }
    String apiKey = secret == null ? null : (String) secret.get("api_key");
    HttpRequest.Builder request;
    switch (schema) {
      case OPENAI -> {
        if (apiKey == null) {
          return new Result(false, null, null, "the provider has no credential");
        }
        request = get(provider.baseUrl() + "/models").header("Authorization", "Bearer " + apiKey);
      }
      case OPENAI_COMPATIBLE -> {
        // The base URL is the API root in the OpenAI SDK's form (http://host/v1).
        request = get(provider.baseUrl() + "/models");
        if (apiKey != null) {
          request.header("Authorization", "Bearer " + apiKey);
        }
      }
      case AZURE_OPENAI -> {
        if (apiKey == null) {
          return new Result(false, null, null, "the provider has no credential");
        }
        String version =
            URLEncoder.encode(provider.settings().get("api_version"), StandardCharsets.UTF_8);
        request =
            get(provider.baseUrl() + "/openai/models?api-version=" + version)
                .header("api-key", apiKey);
      }
      case ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX -> {
        return new Result(
            false, null, null, "testing schema " + schema.wire() + " is not supported yet");
      }
      default -> throw new IllegalStateException();
    }
    long start = System.nanoTime();
    try {
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      long latency = (System.nanoTime() - start) / 1_000_000;
      int status = response.statusCode();
      if (status / 100 != 2) {
        return new Result(false, status, latency, "the provider answered HTTP " + status);
      }
      return new Result(true, status, latency, describe(response.body()));
    } catch (IOException e) {
      return new Result(
          false, null, null, "cannot reach the provider: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, null, null, "interrupted");
    } catch (IllegalArgumentException e) {
      return new Result(false, null, null, "the base URL cannot be requested");
    }
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
  }

  private static String describe(byte[] body) {
    try {
      JsonNode data = PLAIN.readTree(body).path("data");
      if (data.isArray()) {
        return "reachable; the provider lists " + data.size() + " models";
      }
    } catch (IOException e) {
      // not JSON: still reachable
    }
    return "reachable";
  }
}
