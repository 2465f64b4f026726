package dev.aigateway.dataplane.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.util.Map;

/**
 * The spans of one client request: the request itself (server span, at the router-level processing
 * point), and per attempt (at the per-attempt point, perhaps on another replica) an attempt span
 * and its upstream call (client span with the GenAI attributes). The processors call these hooks in
 * order; every one is a no-op when tracing is off.
 */
public sealed interface RequestTrace permits RequestTrace.Off, OtelRequestTrace {

  RequestTrace OFF = new Off();

  /** The body named a model the gateway serves. May be called again for the same request. */
  void requested(Endpoint endpoint, String model);

  /**
   * An attempt at one target starts; returns the headers (W3C {@code traceparent}, {@code
   * tracestate}) that carry the upstream span's context to the provider.
   */
  Map<String, String> attempt(ProviderConfig provider, String upstreamModel, ObjectNode body);

  /**
   * Part of the body the client gets (after translation), for the response model and, when capture
   * is on, the completion.
   */
  void responseBody(byte[] body, boolean streaming);

  /** The request is over: every open span ends. */
  void finish(int status, TokenUsage usage, boolean usageReported);

  /**
   * W3C trace context headers ({@code traceparent}, {@code tracestate}) of the request span, for
   * the attempts to continue it; empty when tracing is off.
   */
  Map<String, String> context();

  /** Tracing is off. */
  final class Off implements RequestTrace {
    private Off() {}

    @Override
    public void requested(Endpoint endpoint, String model) {}

    @Override
    public Map<String, String> attempt(
        ProviderConfig provider, String upstreamModel, ObjectNode body) {
      return Map.of();
    }

    @Override
    public void responseBody(byte[] body, boolean streaming) {}

    @Override
    public void finish(int status, TokenUsage usage, boolean usageReported) {}

    @Override
    public Map<String, String> context() {
      return Map.of();
    }
  }
}
