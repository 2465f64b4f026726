package dev.aigateway.dataplane.processor;

import dev.aigateway.dataplane.config.ProviderSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which client headers may reach a provider, and which provider headers may reach a client.
 *
 * <p>Requests carry an allow-list: a client's {@code cookie}, its own {@code openai-organization}
 * or {@code openai-project} (which would bill another account), {@code x-envoy-*} (which drive
 * Envoy's retries and timeouts), forwarding headers (the client's address) and every header that
 * may hold a gateway key are removed. What a translator or the credentials set is sent as set.
 * Responses lose the provider account's private headers; the gateway then adds its own.
 */
final class HeaderHygiene {
  /** Client headers every schema may receive. */
  private static final Set<String> ALWAYS = Set.of("accept", "content-type", "user-agent");

  /**
   * Provider response header prefixes that describe the shared provider account: its organization
   * and project, its rate limits (the gateway sends its own x-ratelimit-* after this), cookies and
   * front-end details. The route configuration removes the exact names too.
   */
  private static final List<String> RESPONSE_PREFIXES =
      List.of(
          "openai-",
          "x-ratelimit-",
          "anthropic-ratelimit-",
          "anthropic-organization",
          "set-cookie",
          "cf-",
          "x-envoy-",
          "server",
          "via",
          "alt-svc",
          "x-amzn-",
          "x-amz-",
          "x-goog-",
          "x-ms-",
          "apim-",
          "azureml-");

  private HeaderHygiene() {}

  /** Client headers the schema's provider may see besides {@link #ALWAYS}. */
  private static Set<String> allowedFor(@Nullable ProviderSchema schema) {
    if (schema == null) {
      return Set.of();
    }
    return switch (schema) {
      // Assistants/Responses feature opt-in; it names no account.
      case OPENAI, OPENAI_COMPATIBLE, AZURE_OPENAI -> Set.of("openai-beta");
      // anthropic-version/-beta are set by the translators that need them.
      case ANTHROPIC, AWS_BEDROCK, GEMINI, GCP_VERTEX -> Set.of();
    };
  }

  /**
   * The client request headers to remove before the request goes upstream.
   *
   * @param setByGateway lower-case names the gateway sets on the upstream request (kept)
   */
  static List<String> requestRemovals(
      Map<String, String> clientHeaders,
      @Nullable ProviderSchema schema,
      Set<String> setByGateway) {
    Set<String> allowed = allowedFor(schema);
    List<String> remove = new ArrayList<>();
    for (String name : clientHeaders.keySet()) {
      String n = name.toLowerCase(Locale.ROOT);
      // Pseudo-headers and host are Envoy's (mutation rules never let them be removed); Envoy
      // sets content-length and the hop-by-hop ones itself.
      if (n.startsWith(":")
          || n.equals("host")
          || n.equals("content-length")
          || n.equals("transfer-encoding")
          || ALWAYS.contains(n)
          || allowed.contains(n)
          || setByGateway.contains(n)) {
        continue;
      }
      remove.add(n);
    }
    remove.sort(null);
    return remove;
  }

  /** Provider response headers to remove before the response goes to the client. */
  static List<String> responseRemovals(Map<String, String> upstreamHeaders) {
    List<String> remove = new ArrayList<>();
    for (String name : upstreamHeaders.keySet()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.startsWith(":")) {
        continue;
      }
      for (String prefix : RESPONSE_PREFIXES) {
        if (n.startsWith(prefix)) {
          remove.add(n);
          break;
        }
      }
    }
    remove.sort(null);
    return remove;
  }
}
