package dev.aigateway.dataplane.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.usage.TokenUsage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The spans of one traced request. */
final class OtelRequestTrace implements RequestTrace {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final boolean captureContent;

  /** The server span; null in an attempt's trace (the request span lives at the router point). */
  private final @Nullable Span request;

  /** Where attempt spans hang: the request span, or the router point's request span context. */
  private final Context attemptParent;

  private @Nullable Endpoint endpoint;
  private @Nullable Span attempt;
  private @Nullable Span upstream;
  private int attempts;
  private boolean responseModelSeen;

  OtelRequestTrace(
      Tracer tracer,
      TextMapPropagator propagator,
      Context parent,
      String method,
      String path,
      boolean captureContent) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.captureContent = captureContent;
    // HTTP server span conventions: "{method} {route}"; the gateway's routes are fixed paths.
    this.request =
        tracer
            .spanBuilder(method + " " + path)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(GenAi.HTTP_METHOD, method)
            .setAttribute(GenAi.HTTP_ROUTE, path)
            .setAttribute(GenAi.URL_PATH, path)
            .startSpan();
    this.attemptParent = Context.root().with(request);
  }

  /** An attempt's trace: its spans continue the request span that {@code parent} holds. */
  OtelRequestTrace(
      Tracer tracer,
      TextMapPropagator propagator,
      Context parent,
      int attempt,
      boolean captureContent) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.captureContent = captureContent;
    this.request = null;
    this.attemptParent = parent;
    this.attempts = attempt - 1;
  }

  @Override
  public void requested(Endpoint endpoint, String model) {
    this.endpoint = endpoint;
    Span r = request;
    if (r != null) {
      r.setAttribute(GenAi.OPERATION_NAME, GenAi.operation(endpoint));
      r.setAttribute(GenAi.REQUEST_MODEL, model);
    }
  }

  @Override
  public Map<String, String> attempt(
      ProviderConfig provider, String upstreamModel, ObjectNode body) {
    Endpoint e = endpoint;
    String operation = e == null ? "chat" : GenAi.operation(e);
    attempts++;
    Span a =
        tracer
            .spanBuilder("attempt")
            .setParent(attemptParent)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(GenAi.GATEWAY_ATTEMPT, (long) attempts)
            .setAttribute(GenAi.GATEWAY_PROVIDER, provider.name())
            .startSpan();
    attempt = a;
    // GenAI client span conventions: "{gen_ai.operation.name} {gen_ai.request.model}".
    var builder =
        tracer
            .spanBuilder(operation + " " + upstreamModel)
            .setParent(Context.root().with(a))
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(GenAi.OPERATION_NAME, operation)
            .setAttribute(GenAi.PROVIDER_NAME, GenAi.providerName(provider))
            .setAttribute(GenAi.SYSTEM, GenAi.system(provider))
            .setAttribute(GenAi.REQUEST_MODEL, upstreamModel)
            .setAttribute(GenAi.GATEWAY_PROVIDER, provider.name());
    try {
      URI base = URI.create(provider.baseUrl());
      if (base.getHost() != null) {
        builder.setAttribute(GenAi.SERVER_ADDRESS, base.getHost());
        int port =
            base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
        builder.setAttribute(GenAi.SERVER_PORT, (long) port);
      }
    } catch (IllegalArgumentException ignored) {
      // the admin API validates base URLs; a bad one only loses these two attributes
    }
    Span u = builder.startSpan();
    upstream = u;
    requestParameters(u, body);
    Map<String, String> headers = new HashMap<>(2);
    propagator.inject(Context.root().with(u), headers, Map::put);
    return headers;
  }

  /** Request parameters and, with capture on, the prompt. */
  private void requestParameters(Span u, ObjectNode body) {
    JsonNode max = body.get("max_completion_tokens");
    if (max == null || !max.canConvertToLong()) {
      max = body.get("max_tokens");
    }
    if (max != null && max.canConvertToLong()) {
      u.setAttribute(GenAi.REQUEST_MAX_TOKENS, max.asLong());
    }
    setDouble(u, GenAi.REQUEST_TEMPERATURE, body.get("temperature"));
    setDouble(u, GenAi.REQUEST_TOP_P, body.get("top_p"));
    setDouble(u, GenAi.REQUEST_FREQUENCY_PENALTY, body.get("frequency_penalty"));
    setDouble(u, GenAi.REQUEST_PRESENCE_PENALTY, body.get("presence_penalty"));
    JsonNode seed = body.get("seed");
    if (seed != null && seed.canConvertToLong()) {
      u.setAttribute(GenAi.REQUEST_SEED, seed.asLong());
    }
    if (captureContent) {
      JsonNode input = firstPresent(body, "messages", "prompt", "input");
      if (input != null) {
        u.setAttribute(GenAi.INPUT_MESSAGES, input.toString());
      }
    }
  }

  @Override
  public void responseBody(byte[] body, boolean streaming) {
    Span u = upstream;
    if (u == null) {
      return;
    }
    if (!responseModelSeen) {
      String model = ResponseModel.find(body);
      if (model != null) {
        responseModelSeen = true;
        u.setAttribute(GenAi.RESPONSE_MODEL, model);
      }
    }
    if (captureContent && !streaming) {
      try {
        JsonNode answer = Json.MAPPER.readTree(body);
        JsonNode output = answer == null ? null : firstPresent(answer, "choices", "content");
        if (output != null) {
          u.setAttribute(GenAi.OUTPUT_MESSAGES, output.toString());
        }
      } catch (IOException e) {
        // not JSON: nothing to capture
      }
    }
  }

  @Override
  public void finish(int status, TokenUsage usage, boolean usageReported) {
    Span u = upstream;
    Span a = attempt;
    if (u != null) {
      if (usageReported) {
        u.setAttribute(GenAi.USAGE_INPUT_TOKENS, usage.inputTokens());
        u.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, usage.outputTokens());
      }
      end(u, status);
    }
    if (a != null) {
      end(a, status);
    }
    Span r = request;
    if (r == null) {
      return;
    }
    if (usageReported) {
      r.setAttribute(GenAi.USAGE_INPUT_TOKENS, usage.inputTokens());
      r.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, usage.outputTokens());
    }
    end(r, status);
  }

  @Override
  public Map<String, String> context() {
    Map<String, String> headers = new HashMap<>(2);
    propagator.inject(attemptParent, headers, Map::put);
    return headers;
  }

  private static void end(Span span, int status) {
    if (status > 0) {
      span.setAttribute(GenAi.HTTP_STATUS, (long) status);
    }
    if (status >= 400 || status <= 0) {
      span.setAttribute(GenAi.ERROR_TYPE, status > 0 ? Integer.toString(status) : "_OTHER");
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  private static void setDouble(
      Span span, io.opentelemetry.api.common.AttributeKey<Double> key, @Nullable JsonNode value) {
    if (value != null && value.isNumber()) {
      span.setAttribute(key, value.asDouble());
    }
  }

  private static @Nullable JsonNode firstPresent(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && !value.isNull()) {
        return value;
      }
    }
    return null;
  }
}
