package dev.aigateway.dataplane.processor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.aigateway.dataplane.admission.AdmissionDecision;
import dev.aigateway.dataplane.admission.AdmissionRequest;
import dev.aigateway.dataplane.admission.AdmissionTicket;
import dev.aigateway.dataplane.auth.ClientKeyAuthenticator;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.credential.CredentialInjector;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.telemetry.RequestTrace;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.responses.ResponsesPassThroughTranslator;
import dev.aigateway.dataplane.translate.responses.StoredResponses;
import dev.aigateway.dataplane.usage.ClientText;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router-level processing point: what happens once per client request, in phases over this
 * object's state. Request headers: {@link #authenticate}. Request body: {@link #parseInput}, {@link
 * #resolveModel}, {@link #admit}, {@link #route}. The provider is called by the attempts that
 * follow (each one an {@link AttemptProcessor} stream, perhaps on another replica); this point sees
 * the response they produced, adds the quota headers, shapes Envoy's own local replies (nothing to
 * route to, every target ejected) as the client's API errors, and at the end gives its reservation
 * back: the attempts charge what they used (failover contract item 8).
 */
final class RouterProcessor implements StreamProcessor {
  private static final Logger log = LoggerFactory.getLogger(RouterProcessor.class);

  private final ProcessorDependencies deps;
  private final BodyHandoff bodies;
  private final long startNanos = System.nanoTime();
  private final Instant startTime;

  /** Generated here: a client-chosen id could collide with another request's, or poison a batch. */
  private final String requestId = UUID.randomUUID().toString();

  private ClientCall call = new ClientCall("", "", "", null, null);
  private Map<String, String> clientHeaders = Map.of();
  private @Nullable ClientKey key;
  private @Nullable String model;
  private @Nullable AdmissionTicket ticket;
  private long reservedOutput;
  private long estimatedInput;

  /** The request was handed to the attempts: they record and charge it from here on. */
  private boolean routed;

  /** The response came from an attempt (it carries {@link RoutedRequest#ATTEMPTS}). */
  private boolean answeredByAttempt;

  private int responseStatus;
  private boolean finished;
  private RequestTrace trace = RequestTrace.OFF;

  /** A stored response's request, which this point forwards and answers itself. */
  private @Nullable AttemptResponse stored;

  private @Nullable AttemptMeter storedMeter;

  /**
   * The route of a provider's own cluster (no per-attempt filter there), for requests that must
   * reach one provider rather than a model: stored responses.
   */
  static final String PROVIDER_ROUTE_HEADER = "x-gateway-provider";

  RouterProcessor(ProcessorDependencies deps) {
    this(deps, BodyHandoff.NONE);
  }

  RouterProcessor(ProcessorDependencies deps, BodyHandoff bodies) {
    this.deps = deps;
    this.bodies = bodies;
    this.startTime = deps.clock().instant();
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
      case REQUEST_HEADERS -> authenticate(request.getRequestHeaders(), mayBlock);
      case REQUEST_BODY -> requestBody(request.getRequestBody(), mayBlock);
      case REQUEST_TRAILERS -> Responses.REQUEST_TRAILERS_CONTINUE;
      case RESPONSE_HEADERS -> responseHeaders(request.getResponseHeaders());
      case RESPONSE_BODY -> responseBody(request.getResponseBody());
      case RESPONSE_TRAILERS -> {
        finish(responseStatus);
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
    AttemptMeter m = storedMeter;
    if (m != null) {
      m.finish(m.status());
    }
    finish(responseStatus);
  }

  /** Phase 1 (request headers): the request line, the key, and the answers that need no body. */
  private ProcessingResponse authenticate(HttpHeaders message, boolean mayBlock) {
    Map<String, String> headers = Headers.toMap(message.getHeaders());
    clientHeaders = headers;
    call = ClientCall.of(headers);
    String method = call.method();
    String path = call.path();
    trace = deps.tracing().start(headers, method, path);
    ConfigSnapshot config = deps.config().get();
    if (config.revision() == 0) {
      return reject(GatewayError.unavailable("The gateway has no configuration yet; try again."));
    }
    boolean models = call.modelList();
    boolean stored = call.storedResponse();
    if (!models && call.endpoint() == null && !stored) {
      return reject(GatewayError.notFound("Unknown request URL: " + method + " " + path + "."));
    }
    String allowed =
        stored
            ? (StoredResponses.allows(method, path) ? method : StoredResponses.allowedMethods(path))
            : models ? "GET" : "POST";
    if (!allowed.equals(method)) {
      return reject(
          GatewayError.methodNotAllowed(
              "Method " + method + " is not allowed on " + path + " (expected: " + allowed + ")."));
    }
    ClientKeyAuthenticator.Result auth =
        deps.authenticator()
            .authenticate(config, headers.get("authorization"), headers.get("x-api-key"));
    ClientKey k;
    switch (auth) {
      case ClientKeyAuthenticator.Result.Refused refused -> {
        return reject(refused.error());
      }
      case ClientKeyAuthenticator.Result.Authenticated authenticated ->
          k = key = authenticated.key();
    }
    if (stored) {
      return routeStored(config, k, mayBlock);
    }
    if (models) {
      responseStatus = 200;
      // Anthropic's SDKs send anthropic-version on every call and read Anthropic's list shape.
      byte[] listBody =
          headers.containsKey("anthropic-version")
              ? ModelList.anthropicBody(config, k, call.query())
              : ModelList.body(config, k);
      ProcessingResponse list = Responses.json(200, listBody, Map.of());
      finish(200);
      return list;
    }
    String contentType = headers.getOrDefault("content-type", "");
    if (!contentType.regionMatches(true, 0, "application/json", 0, 16)) {
      return reject(
          GatewayError.unsupportedMediaType(
              "Content-Type must be application/json (got '"
                  + ClientCall.truncate(contentType)
                  + "')."));
    }
    String length = headers.get("content-length");
    if (length != null && ClientCall.parseLong(length) > deps.maxRequestBodyBytes()) {
      return reject(GatewayError.tooLarge(deps.maxRequestBodyBytes()));
    }
    if (message.getEndOfStream()) {
      return reject(GatewayError.invalidRequest(null, "The request has no body."));
    }
    // Envoy holds the headers (body mode BUFFERED) until the body answer, which mutates them.
    return Responses.REQUEST_HEADERS_CONTINUE;
  }

  /** The body phases, in order; each returns an answer to stop at, or null to go on. */
  private ProcessingResponse requestBody(HttpBody message, boolean mayBlock) {
    ClientKey k = key;
    Endpoint e = call.endpoint();
    if (k == null || e == null) {
      // Only reachable if Envoy skipped the headers phase, which this gateway never configures.
      return reject(GatewayError.invalidApiKey("The request was not authenticated."));
    }
    ObjectNode body;
    switch (parseInput(message.getBody())) {
      case Phase.Stop<ObjectNode> stop -> {
        return stop.answer();
      }
      case Phase.Next<ObjectNode> next -> body = next.value();
    }
    ModelConfig modelConfig;
    switch (resolveModel(body, k, e)) {
      case Phase.Stop<ModelConfig> stop -> {
        return stop.answer();
      }
      case Phase.Next<ModelConfig> next -> modelConfig = next.value();
    }
    if (e.countsTokens()) {
      // Counting generates nothing: no admission, nothing reserved.
      return route(modelConfig.name(), null, body, message.getBody().size());
    }
    Long ceiling;
    switch (admit(body, k, e, modelConfig, mayBlock)) {
      case Phase.Stop<Long> stop -> {
        return stop.answer();
      }
      case Phase.Next<Long> next -> ceiling = next.value();
    }
    return route(modelConfig.name(), ceiling, body, message.getBody().size());
  }

  /** Phase 2: the body is a JSON object within the size limit. */
  private Phase<ObjectNode> parseInput(ByteString raw) {
    if (raw.size() > deps.maxRequestBodyBytes()) {
      return stop(GatewayError.tooLarge(deps.maxRequestBodyBytes()));
    }
    try {
      JsonNode parsed = Json.MAPPER.readTree(raw.newInput());
      if (parsed instanceof ObjectNode object) {
        return new Phase.Next<>(object);
      }
      return stop(GatewayError.invalidRequest(null, "The request body must be a JSON object."));
    } catch (IOException ex) {
      return stop(
          GatewayError.invalidRequest(
              null, "We could not parse the JSON body of your request: it is not valid JSON."));
    }
  }

  /** Phase 3: the model exists, the key may use it, and it has somewhere to go. */
  private Phase<ModelConfig> resolveModel(ObjectNode body, ClientKey k, Endpoint e) {
    JsonNode modelNode = body.get("model");
    if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isEmpty()) {
      return stop(GatewayError.invalidRequest("model", "You must provide a model parameter."));
    }
    String requested = modelNode.asText();
    // Stored, logged and echoed in errors: cleaned and cut (a configured name passes unchanged).
    String shown = requireNonNull(ClientText.clean(requested, ClientText.MODEL_MAX));
    model = shown;
    ModelConfig modelConfig = deps.config().get().model(requested);
    if (modelConfig == null) {
      return stop(GatewayError.modelNotFound(shown));
    }
    trace.requested(e, requested);
    if (!k.allows(requested)) {
      return stop(GatewayError.modelNotAllowed(shown));
    }
    if (modelConfig.preferred().isEmpty()) {
      return stop(
          GatewayError.unavailable("The model '" + requested + "' has no available target."));
    }
    return new Phase.Next<>(modelConfig);
  }

  /**
   * Phase 4: the quota pre-check reserves the prompt estimate and the output limit. A quota that
   * counts output needs the provider held to what it reserved, so a request without a limit gets
   * one (the ceiling, with room for the thinking budget it asks for, written per target schema by
   * each attempt).
   */
  private Phase<Long> admit(
      ObjectNode body, ClientKey k, Endpoint e, ModelConfig modelConfig, boolean mayBlock) {
    OutputLimit limit;
    try {
      limit = OutputLimit.read(body, e);
      NumberRanges.check(body, e);
    } catch (Translator.TranslationException ex) {
      return stop(ex.error());
    }
    String requested = modelConfig.name();
    // The first choice stands for the model in the estimate (its tokenizer) and the admission.
    ModelTarget first = modelConfig.preferred().getFirst();
    Long ceiling =
        limit.perChoice() == null
            ? OutputLimit.withThinking(
                deps.admission().outputCeiling(k.id(), k.teamId(), requested), body, e)
            : null;
    Long maxOutput =
        limit.perChoice() != null || ceiling != null
            ? limit.reservation(ceiling == null ? 0 : ceiling)
            : null;
    long estimate =
        deps.admission().needsTokenEstimate(k.id(), k.teamId(), requested)
            ? deps.estimator().estimate(first.upstreamModel(), body)
            : 0;
    AdmissionRequest admissionRequest =
        new AdmissionRequest(
            requestId,
            k.id(),
            k.teamId(),
            requested,
            first.provider().name(),
            first.upstreamModel(),
            estimate,
            maxOutput);
    AdmissionDecision decision =
        mayBlock
            ? deps.admission().admit(admissionRequest)
            : deps.admission().tryAdmit(admissionRequest);
    if (decision == null) {
      // Nothing was reserved: the service runs this phase again where it may block.
      return new Phase.Stop<>(DEFERRED);
    }
    switch (decision) {
      case AdmissionDecision.Rejected rejected -> {
        return stop(rejected.error());
      }
      case AdmissionDecision.Admitted admitted -> ticket = admitted.ticket();
    }
    reservedOutput = maxOutput == null ? 0 : maxOutput;
    estimatedInput = estimate;
    return new Phase.Next<>(ceiling);
  }

  /**
   * Phase 5: the routing header (one route per model) and what the attempts need, replacing
   * anything the client sent under the gateway's internal prefix. The body goes on unchanged: each
   * attempt translates it for its own target (an attempt on this replica from the parsed body
   * handed over here).
   */
  private ProcessingResponse route(
      String modelName, @Nullable Long ceiling, ObjectNode body, int rawBytes) {
    ClientKey k = requireNonNull(key);
    bodies.offer(requestId, k.id(), body, rawBytes);
    HeaderMutation.Builder headers = HeaderMutation.newBuilder();
    new RoutedRequest(modelName, requestId, k.id(), k.teamId(), ceiling, reservedOutput)
        .writeTo(headers);
    // The attempts' spans continue this request's span, wherever they run.
    trace
        .context()
        .forEach(
            (name, value) ->
                headers.addSetHeaders(Headers.set(RoutedRequest.TRACE_PREFIX + name, value)));
    removeClientInternalHeaders(headers);
    routed = true;
    return ProcessingResponse.newBuilder()
        .setRequestBody(
            BodyResponse.newBuilder()
                .setResponse(Responses.common(headers).setClearRouteCache(true)))
        .build();
  }

  private void removeClientInternalHeaders(HeaderMutation.Builder headers) {
    for (String name : clientHeaders.keySet()) {
      if (name.startsWith(RoutedRequest.PREFIX)) {
        headers.addRemoveHeaders(name);
      }
    }
  }

  /**
   * A stored response's request lives at one provider, not at a model's targets: it goes by that
   * provider's own route ({@code x-gateway-provider}, whose cluster has no per-attempt filter), so
   * this point does the attempt's work itself, in the headers phase (it may have no body).
   */
  private ProcessingResponse routeStored(ConfigSnapshot config, ClientKey k, boolean mayBlock) {
    StoredResponses.Routed r;
    switch (StoredResponses.route(config, k, call.path(), call.query())) {
      case StoredResponses.Refused refused -> {
        return reject(refused.error());
      }
      case StoredResponses.Routed routedTo -> r = routedTo;
    }
    ProviderConfig provider = r.target().provider();
    if (!mayBlock && deps.credentials().mayBlock(provider)) {
      return DEFERRED; // nothing was set that this phase run again would not set anew
    }
    model = r.model();
    UpstreamRequest upstream = new UpstreamRequest(r.upstreamPath(), new byte[0], Map.of());
    Map<String, String> credentialHeaders;
    switch (deps.credentials().headersFor(provider, upstream)) {
      case CredentialInjector.Result.Failed failed -> {
        return reject(failed.error());
      }
      case CredentialInjector.Result.Headers h -> credentialHeaders = h.headers();
    }
    HeaderMutation.Builder headers =
        HeaderMutation.newBuilder()
            .addSetHeaders(Headers.set(PROVIDER_ROUTE_HEADER, provider.name()))
            .addSetHeaders(Headers.set(":path", upstream.path()))
            .addSetHeaders(Headers.set("accept-encoding", "identity"));
    credentialHeaders.forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    Set<String> setByGateway = new HashSet<>();
    headers.getSetHeadersList().forEach(h -> setByGateway.add(h.getHeader().getKey()));
    headers.addAllRemoveHeaders(
        HeaderHygiene.requestRemovals(clientHeaders, provider.schema(), setByGateway));
    AttemptMeter meter = new AttemptMeter(deps);
    meter.start(
        new RoutedRequest(r.model(), requestId, k.id(), k.teamId(), null, 0),
        new AttemptTarget(provider.name(), "stored:" + provider.name(), r.target().upstreamModel()),
        1,
        call);
    meter.free();
    meter.forwarded();
    stored =
        new AttemptResponse(ResponsesPassThroughTranslator.forStoredResponse(), call, meter, trace);
    storedMeter = meter;
    routed = true;
    answeredByAttempt = true;
    return ProcessingResponse.newBuilder()
        .setRequestHeaders(
            HeadersResponse.newBuilder()
                .setResponse(Responses.common(headers).setClearRouteCache(true)))
        .build();
  }

  private ProcessingResponse responseHeaders(HttpHeaders message) {
    Map<String, String> headers = Headers.toMap(message.getHeaders());
    AttemptResponse s = stored;
    if (s != null) {
      int status = (int) ClientCall.parseLong(headers.getOrDefault(":status", "0"));
      responseStatus = status;
      return s.headers(message, headers, status, Map.of());
    }
    responseStatus = (int) ClientCall.parseLong(headers.getOrDefault(":status", "0"));
    // A final answer from a skipped attempt was recorded by no attempt: this point records it.
    answeredByAttempt =
        headers.containsKey(RoutedRequest.ATTEMPTS) && !headers.containsKey(RoutedRequest.SKIPPED);
    boolean skipped = headers.containsKey(RoutedRequest.SKIPPED);
    HeaderMutation.Builder mutation = HeaderMutation.newBuilder();
    AdmissionTicket t = ticket;
    if (t != null) {
      t.responseHeaders().forEach((n, v) -> mutation.addSetHeaders(Headers.set(n, v)));
    }
    ProcessingResponse.Builder response =
        ProcessingResponse.newBuilder()
            .setResponseHeaders(
                HeadersResponse.newBuilder().setResponse(Responses.common(mutation)));
    if (answeredByAttempt || skipped) {
      // The attempt translated the body for the client already: nothing more to see here, so the
      // body is not sent to this point at all. The reservation is held until the stream ends.
      response.setModeOverride(
          ProcessingMode.newBuilder()
              .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
              .setResponseBodyMode(ProcessingMode.BodySendMode.NONE));
    } else if (message.getEndOfStream()) {
      finish(responseStatus);
    }
    return response.build();
  }

  /**
   * Only Envoy's own replies get here (the router's 503 when every target is ejected or no route
   * matched, a 413 over the buffer limit): they reach the client in its API's error shape.
   */
  private ProcessingResponse responseBody(HttpBody message) {
    AttemptResponse s = stored;
    if (s != null) {
      return s.body(message);
    }
    byte[] replacement =
        LocalReplies.reshape(
            responseStatus, message.getBody().toByteArray(), call, deps.maxRequestBodyBytes());
    if (message.getEndOfStream()) {
      finish(responseStatus);
    }
    if (replacement == null) {
      return Responses.RESPONSE_BODY_CONTINUE;
    }
    HeaderMutation.Builder headers =
        HeaderMutation.newBuilder()
            .addSetHeaders(Headers.set("content-length", Integer.toString(replacement.length)))
            .addSetHeaders(Headers.set("content-type", "application/json"));
    return ProcessingResponse.newBuilder()
        .setResponseBody(
            BodyResponse.newBuilder()
                .setResponse(
                    Responses.common(headers)
                        .setBodyMutation(
                            BodyMutation.newBuilder().setBody(ByteString.copyFrom(replacement)))))
        .build();
  }

  private <T> Phase<T> stop(GatewayError error) {
    return new Phase.Stop<>(reject(error));
  }

  private ProcessingResponse reject(GatewayError error) {
    responseStatus = error.status();
    finish(error.status());
    return Responses.error(error, call.errorShape());
  }

  /**
   * Gives the reservation back (the attempts charged what they used) and records the request when
   * no attempt did: refused here, answered here, or answered by Envoy itself.
   */
  private void finish(int status) {
    if (finished) {
      return;
    }
    finished = true;
    bodies.remove(requestId);
    ClientKey k = key;
    UsageRecord record =
        new UsageRecord(
            startTime,
            requestId,
            k == null ? null : k.id(),
            k == null ? null : k.teamId(),
            model,
            null,
            null,
            TokenUsage.NONE,
            UsageSource.NONE,
            status,
            Duration.ofNanos(System.nanoTime() - startNanos),
            null,
            false,
            call.clientRequestId(),
            call.inputApi(),
            0,
            null);
    trace.finish(status, TokenUsage.NONE, false);
    // Routed and answered (or abandoned) after that: the attempts hold the record; only a reply
    // Envoy made without any attempt (every target ejected) is this point's to record.
    if (!routed || (status > 0 && !answeredByAttempt)) {
      try {
        deps.recorder().record(record);
      } catch (RuntimeException e) {
        log.error("usage recorder failed for request {}", requestId, e);
      }
    }
    AdmissionTicket admitted = ticket;
    if (admitted != null) {
      try {
        admitted.release(record);
      } catch (RuntimeException e) {
        log.error("admission release failed for request {}", requestId, e);
      }
    }
  }

  /** Test access: the reservation this request holds until it ends. */
  long reservation() {
    return estimatedInput + reservedOutput;
  }
}
