package dev.aigateway.dataplane.translate.responses;

import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.OpenAiSupport;
import dev.aigateway.dataplane.translate.Translators;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET} / {@code DELETE /v1/responses/{id}}, {@code GET /v1/responses/{id}/input_items} and
 * {@code POST /v1/responses/{id}/cancel}: the gateway keeps no responses, so these pass through to
 * the provider that stored them. They carry no model, so the provider is the one OpenAI-family
 * provider (serving the Responses API) among the key's models; with several, the client names the
 * model with the gateway's {@code model} query parameter (removed before the request goes on).
 */
public final class StoredResponses {
  private static final Pattern PATH =
      Pattern.compile("/v1/responses/([A-Za-z0-9_-]{1,200})(/input_items|/cancel)?");

  private StoredResponses() {}

  /** Whether {@code path} (without query) addresses a stored response. */
  public static boolean matches(String path) {
    Matcher m = PATH.matcher(path);
    return m.matches() && !m.group(1).equals("input_tokens");
  }

  /** The method each stored-response path takes, for the 405 message. */
  public static String allowedMethods(String path) {
    if (path.endsWith("/cancel")) {
      return "POST";
    }
    return path.endsWith("/input_items") ? "GET" : "GET, DELETE";
  }

  public static boolean allows(String method, String path) {
    return List.of(allowedMethods(path).split(", ")).contains(method);
  }

  /** Where a stored-response request goes, or why it cannot. */
  public sealed interface Route {}

  /** The provider, its target of {@code model}, and the upstream path with query. */
  public record Routed(String model, ModelTarget target, String upstreamPath) implements Route {}

  public record Refused(GatewayError error) implements Route {}

  public static Route route(ConfigSnapshot config, ClientKey key, String path, String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      params.put(
          name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    String wanted = params.remove("model");
    List<ModelConfig> candidates = new ArrayList<>();
    config.models().values().stream()
        .filter(m -> key.allows(m.name()))
        .filter(m -> wanted == null || m.name().equals(wanted))
        .filter(
            m -> m.preferred().stream().anyMatch(t -> Translators.servesResponses(t.provider())))
        .sorted(Comparator.comparing(ModelConfig::name))
        .forEach(candidates::add);
    long providers =
        candidates.stream()
            .flatMap(m -> m.preferred().stream())
            .filter(t -> Translators.servesResponses(t.provider()))
            .map(t -> t.provider().name())
            .distinct()
            .count();
    if (providers == 0) {
      return new Refused(
          GatewayError.notFound(
              wanted == null
                  ? "No model this key may use is served by a provider that stores responses;"
                      + " the gateway keeps none itself."
                  : "The model '"
                      + wanted
                      + "' is not one this key may use with a provider that stores responses."));
    }
    if (providers > 1) {
      return new Refused(
          GatewayError.invalidRequest(
              "model",
              "Several providers this key may use store responses: name the model that created"
                  + " this one with the query parameter 'model'."));
    }
    ModelConfig model = candidates.getFirst();
    ModelTarget target =
        model.preferred().stream()
            .filter(t -> Translators.servesResponses(t.provider()))
            .findFirst()
            .orElseThrow();
    return new Routed(model.name(), target, upstreamPath(target, path, params));
  }

  private static String upstreamPath(ModelTarget target, String path, Map<String, String> params) {
    ProviderConfig provider = target.provider();
    String suffix = path.substring("/v1".length()); // /responses/{id}[/...]
    String base =
        switch (provider.schema()) {
          case AZURE_OPENAI -> {
            params.put("api-version", provider.setting("api_version", ""));
            yield provider.pathPrefix() + "/openai" + suffix;
          }
          case null, default -> {
            String responses =
                OpenAiSupport.path(
                    provider,
                    dev.aigateway.dataplane.translate.Endpoint.RESPONSES,
                    target.upstreamModel());
            yield responses.substring(0, responses.length() - "/responses".length()) + suffix;
          }
        };
    if (params.isEmpty()) {
      return base;
    }
    StringBuilder query = new StringBuilder();
    params.forEach(
        (name, value) ->
            query
                .append(query.isEmpty() ? "?" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return base + query;
  }
}
