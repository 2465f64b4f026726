package dev.aigateway.dataplane.processor;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the router-level processing point hands to the per-attempt one, in internal request headers
 * (failover contract item 1): the two points of one request may run on different replicas, so
 * nothing here may live only in memory. The router point removes every client-sent {@code
 * x-gateway-*} header before setting these, and the attempt point removes them before the request
 * goes to a provider, so they are trusted at the attempt point.
 *
 * @param model the public model name (also the route match)
 * @param requestId the gateway's ledger key for every attempt of the request
 * @param outputCeiling the output limit a quota imposes on a request that set none (written into
 *     the body per target schema by the attempt point), or null
 * @param reservedOutput the output tokens the router point reserved (an abandoned attempt's charge)
 */
record RoutedRequest(
    String model,
    String requestId,
    UUID keyId,
    UUID teamId,
    @Nullable Long outputCeiling,
    long reservedOutput) {
  static final String PREFIX = "x-gateway-";
  static final String MODEL = "x-gateway-model";
  static final String REQUEST_ID = "x-gateway-request-id";
  static final String KEY_ID = "x-gateway-key-id";
  static final String TEAM_ID = "x-gateway-team-id";
  static final String OUTPUT_CEILING = "x-gateway-output-ceiling";
  static final String RESERVED_OUTPUT = "x-gateway-reserved-output";

  /** Prefixes the W3C trace context of the request span ({@code x-gateway-traceparent}). */
  static final String TRACE_PREFIX = "x-gateway-";

  /** Response headers the attempt point adds (contract item 2). */
  static final String SERVED_BY = "x-gateway-served-by";

  static final String ATTEMPTS = "x-gateway-attempts";

  /** On a local answer for an attempt that did not call its provider (contract item 5). */
  static final String SKIPPED = "x-gateway-skipped";

  RoutedRequest {
    requireNonNull(model, "model");
    requireNonNull(requestId, "requestId");
    requireNonNull(keyId, "keyId");
    requireNonNull(teamId, "teamId");
  }

  /** Sets these headers on the request the router point lets through. */
  void writeTo(HeaderMutation.Builder headers) {
    headers.addSetHeaders(Headers.set(MODEL, model));
    headers.addSetHeaders(Headers.set(REQUEST_ID, requestId));
    headers.addSetHeaders(Headers.set(KEY_ID, keyId.toString()));
    headers.addSetHeaders(Headers.set(TEAM_ID, teamId.toString()));
    if (outputCeiling != null) {
      headers.addSetHeaders(Headers.set(OUTPUT_CEILING, Long.toString(outputCeiling)));
    }
    headers.addSetHeaders(Headers.set(RESERVED_OUTPUT, Long.toString(reservedOutput)));
  }

  /** Reads them at the attempt point; null when the request did not come through the router. */
  static @Nullable RoutedRequest readFrom(Map<String, String> headers) {
    String model = headers.get(MODEL);
    String requestId = headers.get(REQUEST_ID);
    UUID keyId = uuid(headers.get(KEY_ID));
    UUID teamId = uuid(headers.get(TEAM_ID));
    if (model == null || requestId == null || keyId == null || teamId == null) {
      return null;
    }
    String ceiling = headers.get(OUTPUT_CEILING);
    long reserved = number(headers.get(RESERVED_OUTPUT));
    return new RoutedRequest(
        model,
        requestId,
        keyId,
        teamId,
        ceiling == null || number(ceiling) < 0 ? null : number(ceiling),
        Math.max(0, reserved));
  }

  /** The request span's trace context, under its W3C names, for the attempt's spans. */
  static Map<String, String> traceContext(Map<String, String> headers) {
    Map<String, String> context = new java.util.HashMap<>(2);
    for (String name : java.util.List.of("traceparent", "tracestate")) {
      String value = headers.get(TRACE_PREFIX + name);
      if (value != null) {
        context.put(name, value);
      }
    }
    return context;
  }

  private static @Nullable UUID uuid(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static long number(@Nullable String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
