package dev.aigateway.dataplane.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.aigateway.dataplane.admission.ProviderExhaustion;
import dev.aigateway.dataplane.auth.ClientKeyAuthenticator;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.telemetry.RequestTrace;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.Translators;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.usage.UsageRecord;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The per-attempt processing point, in each model cluster's upstream filter chain: what depends on
 * the target Envoy chose for this attempt, in phases. Request headers: {@link #select} (the routed
 * request, the endpoint, and the skip of a target set aside). Request body: {@link #translate} and
 * {@link #credentials}. Response: {@link AttemptResponse} translates back to the client's API, and
 * at the end {@link AttemptMeter} records and charges this attempt.
 */
final class AttemptProcessor implements StreamProcessor {
  private final ProcessorDependencies deps;
  private final Cooldowns cooldowns;
  private final BodyHandoff bodies;
  private final AttemptMeter meter;

  private ClientCall call = new ClientCall("", "", "", null, null);
  private Map<String, String> requestHeaders = Map.of();
  private @Nullable RoutedRequest routed;
  private @Nullable AttemptTarget target;
  private @Nullable ProviderConfig provider;
  private int attempt = 1;
  private @Nullable AttemptResponse response;
  private RequestTrace trace = RequestTrace.OFF;

  AttemptProcessor(ProcessorDependencies deps, Cooldowns cooldowns) {
    this(deps, cooldowns, BodyHandoff.NONE);
  }

  AttemptProcessor(ProcessorDependencies deps, Cooldowns cooldowns, BodyHandoff bodies) {
    this.deps = deps;
    this.cooldowns = cooldowns;
    this.bodies = bodies;
    this.meter = new AttemptMeter(deps, this::providerQuotaCheck);
  }

  @Override
  public ProcessingResponse process(ProcessingRequest request) {
    return dispatch(request, false);
  }

  @Override
  public ProcessingResponse processBlocking(ProcessingRequest request) {
    return dispatch(request, true);
  }

  private ProcessingResponse dispatch(ProcessingRequest request, boolean mayBlock) {
    return switch (request.getRequestCase()) {
      case REQUEST_HEADERS -> select(request);
      case REQUEST_BODY -> requestBody(request.getRequestBody(), mayBlock);
      case REQUEST_TRAILERS -> Responses.REQUEST_TRAILERS_CONTINUE;
      case RESPONSE_HEADERS -> responseHeaders(request.getResponseHeaders());
      case RESPONSE_BODY -> responseBody(request.getResponseBody());
      case RESPONSE_TRAILERS -> {
        meter.finish(meter.status());
        yield Responses.RESPONSE_TRAILERS_CONTINUE;
      }
      case REQUEST_NOT_SET -> Responses.REQUEST_HEADERS_CONTINUE;
    };
  }

  @Override
  public ProcessingResponse internalError() {
    return reject(GatewayError.internalError());
  }

  @Override
  public ProcessingResponse overloaded() {
    return reject(GatewayError.overloaded());
  }

  @Override
  public void streamClosed() {
    meter.finish(meter.status());
  }

  /**
   * Phase 1 (request headers): what the router point decided, which target Envoy picked, and
   * whether this target is to be skipped without calling its provider.
   */
  private ProcessingResponse select(ProcessingRequest request) {
    HttpHeaders message = request.getRequestHeaders();
    Map<String, String> headers = Headers.toMap(message.getHeaders());
    requestHeaders = headers;
    call = ClientCall.of(headers);
    attempt = Math.max(1, (int) ClientCall.parseLong(headers.getOrDefault(ATTEMPT_COUNT, "1")));
    RoutedRequest r = RoutedRequest.readFrom(headers);
    AttemptTarget t = AttemptTarget.of(request);
    if (r == null || t == null) {
      // Not routed by the router point (or no endpoint metadata): nothing here may be trusted.
      return reject(
          new GatewayError(
              500,
              "server_error",
              "not_routed",
              null,
              "The gateway could not route the request.",
              Map.of()));
    }
    ConfigSnapshot config = deps.config().get();
    // The internal headers alone must not open the provider's credentials to whoever reaches this
    // port: the client's key travels with them and is checked again (a hash and a lookup), and
    // must be the key the router point admitted, still allowed this model.
    ClientKeyAuthenticator.Result auth =
        deps.authenticator()
            .authenticate(config, headers.get("authorization"), headers.get("x-api-key"));
    if (!(auth instanceof ClientKeyAuthenticator.Result.Authenticated a)
        || !a.key().id().equals(r.keyId())
        || !a.key().allows(r.model())) {
      return reject(GatewayError.invalidApiKey("The request was not authenticated."));
    }
    routed = r;
    target = t;
    meter.start(r, t, attempt, call);
    ProviderConfig p = config.providers().get(t.provider());
    if (p == null) {
      return reject(GatewayError.badGateway("The provider of this target is not configured."));
    }
    provider = p;
    trace = deps.tracing().startAttempt(RoutedRequest.traceContext(headers), attempt);
    Endpoint endpoint = call.endpoint();
    if (endpoint != null) {
      trace.requested(endpoint, r.model());
    }
    meter.trace(trace);
    Cooldowns.Cooldown cooling = cooldowns.active(t.target());
    // Envoy does not retry a local reply from an upstream filter (upstream_request.h:
    // UpstreamFilterManager's sendLocalReply goes to the downstream filter manager), so a skip
    // here ends the request: only when no other target could serve it. Otherwise the attempt goes
    // on (a quick, unbilled refusal from the provider) and the retry policy moves on, until the
    // control plane has pushed this target DEGRADED (Cooldowns published it): then Envoy no longer
    // picks it while another target is healthy.
    if (cooling != null && onlyTarget(config, r.model())) {
      return skip(
          "cooldown",
          cooling.status() == 429 ? 429 : 503,
          cooldowns.secondsLeft(cooling),
          "The provider asked the gateway to wait before sending it more requests.");
    }
    // A provider quota used up: its targets are published as cooling down until the window ends
    // (again here, in case the charge that used it up was on another replica whose notice got
    // lost); as with a cooldown, this attempt is answered here only when no other target exists.
    ProviderExhaustion exhausted = providerQuotaCheck(config, t.provider(), r.model());
    if (exhausted != null && onlyTarget(config, r.model())) {
      return skip(
          "quota", 429, secondsUntil(exhausted.until()), "The quota of this provider is used up.");
    }
    if (message.getEndOfStream()) {
      return reject(GatewayError.invalidRequest(null, "The request has no body."));
    }
    // The router point of this request ran here: translate now and answer with the body, so Envoy
    // does not send it (CONTINUE_AND_REPLACE; a token that must be fetched waits for the body).
    ObjectNode handed = bodies.copy(r.requestId(), r.keyId());
    if (handed != null && endpoint != null && !deps.credentials().mayBlock(p)) {
      ProcessingResponse prepared = prepare(handed, false, true);
      // A token that expired since the check: the body phase waits for it where it may block.
      return prepared == DEFERRED ? Responses.REQUEST_HEADERS_CONTINUE : prepared;
    }
    return Responses.REQUEST_HEADERS_CONTINUE;
  }

  private ProcessingResponse requestBody(HttpBody message, boolean mayBlock) {
    if (response != null) {
      // Prepared at the headers from the handed-over body: Envoy sends no body after that answer.
      return Responses.REQUEST_BODY_CONTINUE;
    }
    ObjectNode body;
    try {
      JsonNode parsed = Json.MAPPER.readTree(message.getBody().newInput());
      if (!(parsed instanceof ObjectNode object)) {
        return reject(GatewayError.invalidRequest(null, "The request body must be a JSON object."));
      }
      body = object;
    } catch (IOException ex) {
      return reject(
          GatewayError.invalidRequest(
              null, "We could not parse the JSON body of your request: it is not valid JSON."));
    }
    return prepare(body, mayBlock, false);
  }

  /**
   * Phases 2 and 3 over the client's body, answered in the request body's answer, or (when the body
   * was handed over at the headers) in the headers' answer, which then replaces the body.
   */
  private ProcessingResponse prepare(ObjectNode body, boolean mayBlock, boolean atHeaders) {
    RoutedRequest r = routed;
    AttemptTarget t = target;
    ProviderConfig p = provider;
    Endpoint e = call.endpoint();
    if (r == null || t == null || p == null || e == null) {
      return internalError();
    }
    Translator translator = Translators.create(p, e);
    if (translator == null && e.countsTokens()) {
      // The target cannot count: the gateway's own count, marked as an estimate.
      long tokens = deps.estimator().estimate(t.upstreamModel(), body);
      meter.answeredLocally(200);
      Map<String, String> headers = attemptHeaders(false);
      headers.putAll(TokenCounts.ESTIMATE_HEADERS);
      return Responses.json(200, TokenCounts.estimateBody(e, tokens), headers);
    }
    if (translator == null) {
      return reject(
          GatewayError.badGateway(
              "Provider '"
                  + p.name()
                  + "' uses schema '"
                  + p.schemaName()
                  + "', which this gateway version cannot serve yet."));
    }
    if (!mayBlock && deps.credentials().mayBlock(p)) {
      return DEFERRED; // nothing was set that this phase run again would not set anew
    }
    if (e.countsTokens()) {
      meter.free();
    } else {
      Long ceiling = r.outputCeiling();
      String limitField = OutputLimit.field(e, p.schema());
      if (ceiling != null && limitField != null && !body.has(limitField)) {
        body.put(limitField, ceiling);
      }
      meter.request(body);
    }
    UpstreamRequest upstream;
    switch (translate(translator, body, p, r, t)) {
      case Phase.Stop<UpstreamRequest> stop -> {
        return stop.answer();
      }
      case Phase.Next<UpstreamRequest> next -> upstream = next.value();
    }
    response = new AttemptResponse(translator, call, meter, trace);
    HeaderMutation.Builder headers;
    switch (credentials(p, upstream, body)) {
      case Phase.Stop<HeaderMutation.Builder> stop -> {
        return stop.answer();
      }
      case Phase.Next<HeaderMutation.Builder> next -> headers = next.value();
    }
    BodyMutation replacement =
        BodyMutation.newBuilder().setBody(ByteString.copyFrom(upstream.body())).build();
    if (atHeaders) {
      // Envoy drops content-length on a replaced body and frames it itself (ENVOY-FACTS 3, 4).
      return ProcessingResponse.newBuilder()
          .setRequestHeaders(
              HeadersResponse.newBuilder()
                  .setResponse(
                      Responses.common(headers)
                          .setStatus(CommonResponse.ResponseStatus.CONTINUE_AND_REPLACE)
                          .setBodyMutation(replacement)))
          .build();
    }
    headers.addSetHeaders(Headers.set("content-length", Integer.toString(upstream.body().length)));
    return ProcessingResponse.newBuilder()
        .setRequestBody(
            BodyResponse.newBuilder()
                .setResponse(Responses.common(headers).setBodyMutation(replacement)))
        .build();
  }

  /** Phase 2: the client's request in the schema of the target tried. */
  private Phase<UpstreamRequest> translate(
      Translator translator, ObjectNode body, ProviderConfig p, RoutedRequest r, AttemptTarget t) {
    try {
      return new Phase.Next<>(
          translator.request(
              body, new RequestContext(p, r.model(), t.upstreamModel(), requestHeaders)));
    } catch (Translator.TranslationException ex) {
      return new Phase.Stop<>(reject(ex.error()));
    }
  }

  /**
   * Phase 3: path, credentials (signed over exactly what is sent) and the header hygiene of the
   * upstream request; the internal {@code x-gateway-*} headers never reach a provider.
   */
  private Phase<HeaderMutation.Builder> credentials(
      ProviderConfig p, UpstreamRequest upstream, ObjectNode body) {
    Map<String, String> credentialHeaders;
    switch (deps.credentials().headersFor(p, upstream)) {
      case CredentialInjector.Result.Failed failed -> {
        return new Phase.Stop<>(reject(failed.error()));
      }
      case CredentialInjector.Result.Headers h -> credentialHeaders = h.headers();
    }
    HeaderMutation.Builder headers =
        HeaderMutation.newBuilder()
            .addSetHeaders(Headers.set(":path", upstream.path()))
            // Usage must be readable in the response: ask for it uncompressed. Removing the
            // header is not enough, since some fronts then pick an encoding themselves.
            .addSetHeaders(Headers.set("accept-encoding", "identity"));
    upstream.headers().forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    // W3C trace context of the upstream call's span (none when tracing is off).
    trace
        .attempt(p, upstreamModel(), body)
        .forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    credentialHeaders.forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    Set<String> setByGateway = new HashSet<>();
    headers.getSetHeadersList().forEach(h -> setByGateway.add(h.getHeader().getKey()));
    // Envoy applies removals before sets, so a header both removed and set would still be set;
    // HeaderHygiene leaves the gateway's own out anyway. The internal x-gateway-* headers are
    // among the removed (no schema allows them).
    headers.addAllRemoveHeaders(
        HeaderHygiene.requestRemovals(requestHeaders, p.schema(), setByGateway));
    meter.forwarded();
    return new Phase.Next<>(headers);
  }

  private ProcessingResponse responseHeaders(HttpHeaders message) {
    Map<String, String> headers = Headers.toMap(message.getHeaders());
    int status = (int) ClientCall.parseLong(headers.getOrDefault(":status", "0"));
    AttemptTarget t = target;
    if (t != null) {
      cooldowns.observe(t.target(), status, headers.get("retry-after"));
    }
    AttemptResponse r = response;
    if (r == null) {
      // The request was never forwarded by this point (an earlier phase answered): pass through.
      return Responses.RESPONSE_HEADERS_CONTINUE;
    }
    return r.headers(message, headers, status, attemptHeaders(status >= 200 && status < 300));
  }

  private ProcessingResponse responseBody(HttpBody message) {
    AttemptResponse r = response;
    return r == null ? Responses.RESPONSE_BODY_CONTINUE : r.body(message);
  }

  /** The response headers that tell the client (and the router point) who answered. */
  private Map<String, String> attemptHeaders(boolean served) {
    Map<String, String> h = new HashMap<>();
    h.put(RoutedRequest.ATTEMPTS, Integer.toString(attempt));
    AttemptTarget t = target;
    if (served && t != null) {
      h.put(RoutedRequest.SERVED_BY, t.provider() + "/" + t.upstreamModel());
    }
    return h;
  }

  /** Answers this attempt locally; Envoy's retry policy moves on to the next target. */
  private ProcessingResponse skip(
      String reason, int status, @Nullable Long retryAfterSeconds, String message) {
    Map<String, String> headers = attemptHeaders(false);
    headers.put(RoutedRequest.SKIPPED, reason);
    if (retryAfterSeconds != null) {
      headers.put("retry-after", Long.toString(retryAfterSeconds));
    }
    meter.skipped(status);
    GatewayError error =
        new GatewayError(
            status,
            status == 429 ? "rate_limit_error" : "server_error",
            "target_skipped",
            null,
            message,
            headers);
    return Responses.error(error, call.errorShape());
  }

  private ProcessingResponse reject(GatewayError error) {
    Map<String, String> headers = new HashMap<>(error.headers());
    headers.putAll(attemptHeaders(false));
    meter.answeredLocally(error.status());
    return Responses.error(
        new GatewayError(
            error.status(), error.type(), error.code(), error.param(), error.message(), headers),
        call.errorShape());
  }

  /** After a charge: whether it used up a quota of its provider. */
  private void providerQuotaCheck(UsageRecord record) {
    if (record.provider() != null && record.model() != null) {
      providerQuotaCheck(deps.config().get(), record.provider(), record.model());
    }
  }

  private @Nullable ProviderExhaustion providerQuotaCheck(
      ConfigSnapshot config, String provider, String model) {
    ProviderExhaustion exhausted = deps.admission().providerExhausted(provider, model);
    if (exhausted != null) {
      cooldowns.quotaUsedUp(config.targetIds(provider, exhausted.model()), exhausted.until());
    }
    return exhausted;
  }

  private long secondsUntil(Instant until) {
    long millis = Duration.between(deps.clock().instant(), until).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  private static boolean onlyTarget(ConfigSnapshot config, String model) {
    var m = config.model(model);
    return m == null || m.targets().size() <= 1;
  }

  private String upstreamModel() {
    AttemptTarget t = target;
    return t == null ? "" : t.upstreamModel();
  }

  /** Envoy's retry count ({@code include_request_attempt_count} on the route), from 1. */
  static final String ATTEMPT_COUNT = "x-envoy-attempt-count";
}
