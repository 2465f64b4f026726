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
import dev.aigateway.dataplane.error.ErrorShape;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.telemetry.RequestTrace;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.Translators;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.responses.ResponsesPassThroughTranslator;
import dev.aigateway.dataplane.translate.responses.StoredResponses;
import dev.aigateway.dataplane.usage.ClientText;
import dev.aigateway.dataplane.usage.DeliveredText;
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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one HTTP request through its ext_proc phases: request headers (key, endpoint), request
 * body (model, target, admission, translation, routing and credentials), response headers
 * (streaming or buffered), response body (usage, error shape). Not thread-safe: gRPC delivers one
 * stream's messages one at a time.
 */
final class RequestProcessor {
  private static final Logger log = LoggerFactory.getLogger(RequestProcessor.class);
  static final String ROUTE_HEADER = "x-gateway-provider";

  private final ProcessorDependencies deps;
  private final long startNanos = System.nanoTime();
  private final java.time.Instant startTime;

  /** Generated here: a client-chosen id could collide with another request's, or poison a batch. */
  private final String requestId = UUID.randomUUID().toString();

  private @Nullable String clientRequestId;
  private @Nullable Endpoint endpoint;
  private Map<String, String> clientHeaders = Map.of();
  private String clientPath = "";
  private @Nullable ClientKey key;
  private @Nullable String model;
  private @Nullable ModelTarget target;
  private @Nullable Translator translator;
  private @Nullable AdmissionTicket ticket;
  private @Nullable ObjectNode requestJson;
  private long reservedOutput;

  /** The request went upstream: from here on the provider may serve (and bill) it. */
  private boolean forwarded;

  /** A token count or a stored response: nothing generated, nothing to meter. */
  private boolean free;

  private int upstreamStatus;
  private @Nullable DeliveredText delivered;
  private boolean streamingResponse;
  private int responseStatus;
  private String responseContentType = "";
  private ResponseEncoding responseEncoding = ResponseEncoding.IDENTITY;
  private TokenUsage usage = TokenUsage.NONE;
  private boolean usageReported;
  private long firstChunkNanos;
  private boolean finished;
  private RequestTrace trace = RequestTrace.OFF;

  RequestProcessor(ProcessorDependencies deps) {
    this.deps = deps;
    this.startTime = deps.clock().instant();
  }

  /**
   * What {@link #process} returns when the message needs work that may block (a quota check in the
   * database, a cloud token fetch): the caller runs {@link #processBlocking} with the same message
   * on a thread that may block.
   */
  static final ProcessingResponse DEFERRED = ProcessingResponse.getDefaultInstance();

  /**
   * Answers one message without blocking the calling thread, or returns {@link #DEFERRED}, having
   * changed nothing that the same message processed again would not set anew.
   */
  ProcessingResponse process(ProcessingRequest request) {
    return dispatch(request, false);
  }

  /** Answers one message, blocking for quota checks and credentials as needed. */
  ProcessingResponse processBlocking(ProcessingRequest request) {
    return dispatch(request, true);
  }

  private ProcessingResponse dispatch(ProcessingRequest request, boolean mayBlock) {
    return switch (request.getRequestCase()) {
      case REQUEST_HEADERS -> requestHeaders(request.getRequestHeaders(), mayBlock);
      case REQUEST_BODY -> requestBody(request.getRequestBody(), mayBlock);
      case REQUEST_TRAILERS -> Responses.REQUEST_TRAILERS_CONTINUE;
      case RESPONSE_HEADERS -> responseHeaders(request.getResponseHeaders());
      case RESPONSE_BODY -> responseBody(request.getResponseBody());
      case RESPONSE_TRAILERS -> {
        finish(responseStatus);
        yield Responses.RESPONSE_TRAILERS_CONTINUE;
      }
      case REQUEST_NOT_SET ->
          // Nothing to answer to; an empty request-headers answer keeps Envoy's FIFO aligned.
          Responses.REQUEST_HEADERS_CONTINUE;
    };
  }

  /** The answer when processing threw: a 500 that says nothing about the request. */
  ProcessingResponse internalError() {
    GatewayError error =
        new GatewayError(
            500,
            "server_error",
            "internal_error",
            null,
            "The gateway failed to process the request.",
            Map.of());
    return reject(error);
  }

  /** A 503 for a request the blocking pool had no room for. */
  ProcessingResponse overloaded() {
    return reject(
        new GatewayError(
            503,
            "server_error",
            "overloaded",
            null,
            "The gateway is overloaded; retry shortly.",
            Map.of("retry-after", "1")));
  }

  /** The gRPC stream ended; records the request if no response phase did. */
  void streamClosed() {
    finish(responseStatus);
  }

  private ProcessingResponse requestHeaders(HttpHeaders message, boolean mayBlock) {
    Map<String, String> headers = Headers.toMap(message.getHeaders());
    clientHeaders = headers;
    String id = headers.get("x-request-id");
    clientRequestId =
        id == null || id.isBlank() ? null : ClientText.clean(id, ClientText.REQUEST_ID_MAX);
    String method = headers.getOrDefault(":method", "");
    String fullPath = headers.getOrDefault(":path", "");
    int query = fullPath.indexOf('?');
    String path = query < 0 ? fullPath : fullPath.substring(0, query);
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    clientPath = path;
    trace = deps.tracing().start(headers, method, path);

    ConfigSnapshot config = deps.config().get();
    if (config.revision() == 0) {
      return reject(GatewayError.unavailable("The gateway has no configuration yet; try again."));
    }
    boolean models = path.equals("/v1/models");
    endpoint = Endpoint.forPath(path);
    boolean stored = endpoint == null && StoredResponses.matches(path);
    if (!models && endpoint == null && !stored) {
      return reject(GatewayError.notFound("Unknown request URL: " + method + " " + path + "."));
    }
    if (stored && !StoredResponses.allows(method, path)) {
      return reject(
          GatewayError.methodNotAllowed(
              "Method "
                  + method
                  + " is not allowed on "
                  + path
                  + " (expected: "
                  + StoredResponses.allowedMethods(path)
                  + ")."));
    }
    if (!stored && (models ? !method.equals("GET") : !method.equals("POST"))) {
      return reject(
          GatewayError.methodNotAllowed(
              "Method "
                  + method
                  + " is not allowed on "
                  + path
                  + " (expected: "
                  + (models ? "GET" : "POST")
                  + ")."));
    }
    ClientKeyAuthenticator.Result auth =
        deps.authenticator()
            .authenticate(config, headers.get("authorization"), headers.get("x-api-key"));
    switch (auth) {
      case ClientKeyAuthenticator.Result.Refused refused -> {
        return reject(refused.error());
      }
      case ClientKeyAuthenticator.Result.Authenticated authenticated -> key = authenticated.key();
    }
    if (stored) {
      return storedResponse(config, path, query < 0 ? "" : fullPath.substring(query + 1), mayBlock);
    }
    if (models) {
      responseStatus = 200;
      // Anthropic's SDKs send anthropic-version on every call and read Anthropic's list shape.
      byte[] listBody =
          headers.containsKey("anthropic-version")
              ? ModelList.anthropicBody(config, key, query < 0 ? "" : fullPath.substring(query + 1))
              : ModelList.body(config, key);
      ProcessingResponse list = Responses.json(200, listBody, Map.of());
      finish(200);
      return list;
    }
    String contentType = headers.getOrDefault("content-type", "");
    if (!contentType.regionMatches(true, 0, "application/json", 0, 16)) {
      return reject(
          GatewayError.unsupportedMediaType(
              "Content-Type must be application/json (got '" + truncate(contentType) + "')."));
    }
    String length = headers.get("content-length");
    if (length != null && parseLong(length) > deps.maxRequestBodyBytes()) {
      return reject(GatewayError.tooLarge(deps.maxRequestBodyBytes()));
    }
    if (message.getEndOfStream()) {
      return reject(GatewayError.invalidRequest(null, "The request has no body."));
    }
    // Envoy holds the headers (body mode BUFFERED) until the body answer, which mutates them.
    return Responses.REQUEST_HEADERS_CONTINUE;
  }

  private ProcessingResponse requestBody(HttpBody message, boolean mayBlock) {
    ClientKey k = key;
    Endpoint e = endpoint;
    if (k == null || e == null) {
      // Only reachable if Envoy skipped the headers phase, which this gateway never configures.
      return reject(GatewayError.invalidApiKey("The request was not authenticated."));
    }
    ByteString raw = message.getBody();
    if (raw.size() > deps.maxRequestBodyBytes()) {
      return reject(GatewayError.tooLarge(deps.maxRequestBodyBytes()));
    }
    ObjectNode body;
    try {
      JsonNode parsed = Json.MAPPER.readTree(raw.newInput());
      if (!(parsed instanceof ObjectNode object)) {
        return reject(GatewayError.invalidRequest(null, "The request body must be a JSON object."));
      }
      body = object;
    } catch (IOException ex) {
      return reject(
          GatewayError.invalidRequest(
              null, "We could not parse the JSON body of your request: it is not valid JSON."));
    }
    JsonNode modelNode = body.get("model");
    if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isEmpty()) {
      return reject(GatewayError.invalidRequest("model", "You must provide a model parameter."));
    }
    String requested = modelNode.asText();
    // Stored, logged and echoed in errors: cleaned and cut (a configured name passes unchanged).
    String shown = requireNonNull(ClientText.clean(requested, ClientText.MODEL_MAX));
    model = shown;
    ConfigSnapshot config = deps.config().get();
    ModelConfig modelConfig = config.model(requested);
    if (modelConfig == null) {
      return reject(GatewayError.modelNotFound(shown));
    }
    trace.requested(e, requested);
    if (!k.allows(requested)) {
      return reject(GatewayError.modelNotAllowed(shown));
    }
    OutputLimit limit;
    try {
      limit = OutputLimit.read(body, e);
      NumberRanges.check(body, e);
    } catch (Translator.TranslationException ex) {
      return reject(ex.error());
    }
    ModelTarget chosen = deps.selector().select(modelConfig);
    if (chosen == null) {
      return reject(
          GatewayError.unavailable("The model '" + requested + "' has no available target."));
    }
    target = chosen;
    ProviderConfig provider = chosen.provider();
    Translator t = Translators.create(provider, e);
    if (t == null && e.countsTokens()) {
      // The target cannot count: the gateway's own count, marked as an estimate. Nothing is
      // generated, so nothing is reserved against quotas.
      long tokens = deps.estimator().estimate(chosen.upstreamModel(), body);
      responseStatus = 200;
      ProcessingResponse estimate =
          Responses.json(200, TokenCounts.estimateBody(e, tokens), TokenCounts.ESTIMATE_HEADERS);
      finish(200);
      return estimate;
    }
    if (t == null) {
      return reject(
          GatewayError.badGateway(
              "Provider '"
                  + provider.name()
                  + "' uses schema '"
                  + provider.schemaName()
                  + "', which this gateway version cannot serve yet."));
    }
    translator = t;
    if (!mayBlock && deps.credentials().mayBlock(provider)) {
      // The credentials may need a token fetch: the whole phase runs again where it may block,
      // before anything is reserved (a reservation made here would never be settled).
      return DEFERRED;
    }

    if (e.countsTokens()) {
      free = true; // counting is free: no admission, nothing metered
      return forward(t, body, provider, chosen, requested);
    }
    // A quota that counts output reserves the limit; the provider must be held to that limit, so a
    // request without one gets it set (the translators to other schemas read it too), with room
    // for the thinking budget it asks for.
    Long ceiling =
        limit.perChoice() == null
            ? OutputLimit.withThinking(
                deps.admission().outputCeiling(k.id(), k.teamId(), requested), body, e)
            : null;
    String limitField = OutputLimit.field(e, provider.schema());
    if (ceiling != null && limitField != null) {
      body.put(limitField, ceiling);
    }
    Long maxOutput =
        limit.perChoice() != null || ceiling != null
            ? limit.reservation(ceiling == null ? 0 : ceiling)
            : null;
    requestJson = body;
    reservedOutput = maxOutput == null ? 0 : maxOutput;
    long estimate =
        deps.admission().needsTokenEstimate(k.id(), k.teamId(), requested)
            ? deps.estimator().estimate(chosen.upstreamModel(), body)
            : 0;
    AdmissionRequest admissionRequest =
        new AdmissionRequest(
            requestId,
            k.id(),
            k.teamId(),
            requested,
            provider.name(),
            chosen.upstreamModel(),
            estimate,
            maxOutput);
    AdmissionDecision decision =
        mayBlock
            ? deps.admission().admit(admissionRequest)
            : deps.admission().tryAdmit(admissionRequest);
    if (decision == null) {
      // Nothing was reserved: the service runs this phase again where it may block.
      return DEFERRED;
    }
    switch (decision) {
      case AdmissionDecision.Rejected rejected -> {
        return reject(rejected.error());
      }
      case AdmissionDecision.Admitted admitted -> ticket = admitted.ticket();
    }
    return forward(t, body, provider, chosen, requested);
  }

  /**
   * A stored response's request, routed in the headers phase (it may have no body to wait for) to
   * the provider that keeps it, with that provider's credentials.
   */
  private ProcessingResponse storedResponse(
      ConfigSnapshot config, String path, String query, boolean mayBlock) {
    ClientKey k = key;
    if (k == null) {
      return reject(GatewayError.invalidApiKey("The request was not authenticated."));
    }
    StoredResponses.Routed routed;
    switch (StoredResponses.route(config, k, path, query)) {
      case StoredResponses.Refused refused -> {
        return reject(refused.error());
      }
      case StoredResponses.Routed r -> routed = r;
    }
    ProviderConfig provider = routed.target().provider();
    if (!mayBlock && deps.credentials().mayBlock(provider)) {
      return DEFERRED; // nothing was set that this phase run again would not set anew
    }
    model = routed.model();
    target = routed.target();
    free = true;
    translator = ResponsesPassThroughTranslator.forStoredResponse();
    UpstreamRequest upstream = new UpstreamRequest(routed.upstreamPath(), new byte[0], Map.of());
    Map<String, String> credentialHeaders;
    switch (deps.credentials().headersFor(provider, upstream)) {
      case CredentialInjector.Result.Failed failed -> {
        return reject(failed.error());
      }
      case CredentialInjector.Result.Headers h -> credentialHeaders = h.headers();
    }
    HeaderMutation.Builder headers =
        upstreamHeaders(
            provider,
            upstream,
            credentialHeaders,
            trace.attempt(
                provider, routed.target().upstreamModel(), Json.MAPPER.createObjectNode()));
    return ProcessingResponse.newBuilder()
        .setRequestHeaders(
            HeadersResponse.newBuilder()
                .setResponse(Responses.common(headers).setClearRouteCache(true)))
        .build();
  }

  /** Translates the admitted request and sends it to the target with its credentials. */
  private ProcessingResponse forward(
      Translator t,
      ObjectNode body,
      ProviderConfig provider,
      ModelTarget chosen,
      String requested) {
    UpstreamRequest upstream;
    try {
      upstream =
          t.request(
              body, new RequestContext(provider, requested, chosen.upstreamModel(), clientHeaders));
    } catch (Translator.TranslationException ex) {
      return reject(ex.error());
    }
    Map<String, String> credentialHeaders;
    switch (deps.credentials().headersFor(provider, upstream)) {
      case CredentialInjector.Result.Failed failed -> {
        return reject(failed.error());
      }
      case CredentialInjector.Result.Headers h -> credentialHeaders = h.headers();
    }
    HeaderMutation.Builder headers =
        upstreamHeaders(
            provider,
            upstream,
            credentialHeaders,
            trace.attempt(provider, chosen.upstreamModel(), body));
    headers.addSetHeaders(Headers.set("content-length", Integer.toString(upstream.body().length)));
    return ProcessingResponse.newBuilder()
        .setRequestBody(
            BodyResponse.newBuilder()
                .setResponse(
                    Responses.common(headers)
                        .setBodyMutation(
                            BodyMutation.newBuilder().setBody(ByteString.copyFrom(upstream.body())))
                        .setClearRouteCache(true)))
        .build();
  }

  /**
   * Route, path and credentials of the upstream request; the client's headers outside the schema's
   * allow-list (its key among them) never go on.
   */
  private HeaderMutation.Builder upstreamHeaders(
      ProviderConfig provider,
      UpstreamRequest upstream,
      Map<String, String> credentialHeaders,
      Map<String, String> traceHeaders) {
    HeaderMutation.Builder headers =
        HeaderMutation.newBuilder()
            .addSetHeaders(Headers.set(ROUTE_HEADER, provider.name()))
            .addSetHeaders(Headers.set(":path", upstream.path()))
            // Usage must be readable in the response: ask for it uncompressed. Removing the
            // header is not enough, since some fronts then pick an encoding themselves.
            .addSetHeaders(Headers.set("accept-encoding", "identity"));
    upstream.headers().forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    // W3C trace context of the upstream call's span (none when tracing is off).
    traceHeaders.forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    credentialHeaders.forEach((name, value) -> headers.addSetHeaders(Headers.set(name, value)));
    Set<String> setByGateway = new HashSet<>();
    headers.getSetHeadersList().forEach(h -> setByGateway.add(h.getHeader().getKey()));
    // Envoy applies removals before sets, so a header both removed and set would still be set;
    // HeaderHygiene leaves the gateway's own out anyway.
    headers.addAllRemoveHeaders(
        HeaderHygiene.requestRemovals(clientHeaders, provider.schema(), setByGateway));
    forwarded = true;
    return headers;
  }

  private ProcessingResponse responseHeaders(HttpHeaders message) {
    Map<String, String> headers = Headers.toMap(message.getHeaders());
    responseStatus = (int) parseLong(headers.getOrDefault(":status", "0"));
    upstreamStatus = responseStatus;
    responseContentType =
        headers.getOrDefault("content-type", "").toLowerCase(java.util.Locale.ROOT);
    HeaderMutation.Builder mutation = HeaderMutation.newBuilder().addRemoveHeaders(ROUTE_HEADER);
    mutation.addAllRemoveHeaders(HeaderHygiene.responseRemovals(headers));
    responseEncoding = ResponseEncoding.of(headers.get("content-encoding"));
    if (responseEncoding != ResponseEncoding.IDENTITY) {
      mutation.addRemoveHeaders("content-encoding");
    }
    if (ticket != null) {
      ticket.responseHeaders().forEach((n, v) -> mutation.addSetHeaders(Headers.set(n, v)));
    }
    Translator t = translator;
    HeadersResponse.Builder answer = HeadersResponse.newBuilder();
    ProcessingResponse.Builder response = ProcessingResponse.newBuilder();
    boolean streams = t != null && t.startResponse(responseStatus, responseContentType, headers);
    if (!responseEncoding.decodable()
        || (streams && responseEncoding != ResponseEncoding.IDENTITY)) {
      // Never hand compressed bytes to a translator as if they were text.
      return reject(
          GatewayError.badGateway(
              "The provider answered with content-encoding '"
                  + truncate(headers.getOrDefault("content-encoding", ""))
                  + "', which the gateway cannot read."));
    }
    if (streams) {
      streamingResponse = true;
      // The length was kept when the headers arrived (mode BUFFERED then), and chunks may change.
      mutation.addRemoveHeaders("content-length");
      if (!responseContentType.startsWith("text/event-stream")) {
        // For example Bedrock's binary event stream, which the translator turns into SSE.
        mutation.addSetHeaders(Headers.set("content-type", "text/event-stream; charset=utf-8"));
      }
      response.setModeOverride(
          ProcessingMode.newBuilder()
              .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
              .setResponseBodyMode(ProcessingMode.BodySendMode.STREAMED));
    }
    answer.setResponse(Responses.common(mutation));
    if (message.getEndOfStream()) {
      finish(responseStatus);
    }
    return response.setResponseHeaders(answer).build();
  }

  private ProcessingResponse responseBody(HttpBody message) {
    Translator t = translator;
    byte[] body = message.getBody().toByteArray();
    boolean end = message.getEndOfStream();
    boolean decoded = false;
    if (responseEncoding != ResponseEncoding.IDENTITY) {
      // Buffered (streams were refused at the headers): the whole body is here.
      try {
        body = responseEncoding.decode(body);
        decoded = true;
      } catch (IOException e) {
        return reject(
            GatewayError.badGateway("The provider's compressed response could not be decoded."));
      }
    }
    byte @Nullable [] replacement;
    if (streamingResponse && t != null) {
      if (firstChunkNanos == 0) {
        firstChunkNanos = System.nanoTime();
      }
      BodyResult result = t.responseBody(body, end);
      takeUsage(result.usage());
      replacement = result.body();
      deliver(replacement != null ? replacement : body, true);
    } else if (responseStatus >= 200 && responseStatus < 300 && t != null) {
      BodyResult result = t.responseBody(body, end);
      if (result.error() != null) {
        // The headers are still held (BUFFERED), so a local reply can replace the upstream 2xx.
        return reject(result.error());
      }
      takeUsage(result.usage());
      replacement = result.body();
      deliver(replacement != null ? replacement : body, false);
    } else if (responseStatus >= 400 || t == null) {
      // Upstream errors, and Envoy's own local replies (no healthy upstream, route 404), reach
      // the client in OpenAI's error shape.
      replacement =
          t != null
              ? t.responseError(responseStatus, responseContentType, body)
              : nonTranslatedError(body);
    } else {
      replacement = null;
    }
    trace.responseBody(replacement == null ? body : replacement, streamingResponse);
    if (end) {
      finish(responseStatus);
    }
    if (replacement == null && decoded) {
      // content-encoding was removed at the headers, so the body must be the decoded one.
      replacement = body;
    }
    if (replacement == null) {
      return Responses.RESPONSE_BODY_CONTINUE;
    }
    BodyResponse.Builder answer = BodyResponse.newBuilder();
    var common =
        io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse.newBuilder()
            .setBodyMutation(BodyMutation.newBuilder().setBody(ByteString.copyFrom(replacement)));
    if (!streamingResponse) {
      // Buffered: the headers are still held, and Envoy rejects a body whose length mismatches.
      HeaderMutation.Builder headers =
          HeaderMutation.newBuilder()
              .addSetHeaders(Headers.set("content-length", Integer.toString(replacement.length)));
      if (responseStatus >= 400) {
        headers.addSetHeaders(Headers.set("content-type", "application/json"));
      }
      common.setHeaderMutation(headers);
    }
    return ProcessingResponse.newBuilder().setResponseBody(answer.setResponse(common)).build();
  }

  private byte @Nullable [] nonTranslatedError(byte[] body) {
    if (responseStatus < 400) {
      return null;
    }
    if (responseStatus == 413 && translator == null) {
      // Envoy's own "Payload Too Large" local reply: a body (without content-length) exceeded
      // the listener's buffer limit, which is the gateway's body limit plus headroom.
      return errorShape().body(GatewayError.tooLarge(deps.maxRequestBodyBytes()));
    }
    if (responseContentType.startsWith("application/json")) {
      try {
        JsonNode error = Json.MAPPER.readTree(body);
        boolean anthropicShape = error.path("type").asText().equals("error");
        if (error.path("error").isObject()
            && anthropicShape == (errorShape() == ErrorShape.ANTHROPIC)) {
          return null;
        }
      } catch (IOException e) {
        // wrapped below
      }
    }
    return errorShape()
        .body(
            responseStatus,
            "The gateway could not reach an upstream (HTTP " + responseStatus + ").",
            "upstream_error",
            null,
            "upstream_" + responseStatus);
  }

  /** Keeps the generated text the client received, to count it if no usage is reported. */
  private void deliver(byte[] bytes, boolean events) {
    if (usageReported) {
      return;
    }
    DeliveredText d = delivered;
    if (d == null) {
      d = delivered = new DeliveredText(events);
    }
    d.accept(bytes);
  }

  private void takeUsage(@Nullable TokenUsage seen) {
    if (seen != null) {
      usage = seen;
      usageReported = true;
    }
  }

  private ProcessingResponse reject(GatewayError error) {
    responseStatus = error.status();
    finish(error.status());
    return Responses.error(error, errorShape());
  }

  /**
   * The error shape of the API the client called: Anthropic's for its paths (also those this
   * gateway does not serve, such as {@code /v1/messages/count_tokens}), else OpenAI's.
   */
  private ErrorShape errorShape() {
    Endpoint e = endpoint;
    if (e != null) {
      return e.errorShape();
    }
    return clientPath.startsWith(Endpoint.MESSAGES.clientPath() + "/")
        ? ErrorShape.ANTHROPIC
        : ErrorShape.OPENAI;
  }

  private void finish(int status) {
    if (finished) {
      return;
    }
    finished = true;
    ModelTarget t = target;
    ClientKey k = key;
    Duration ttft = firstChunkNanos == 0 ? null : Duration.ofNanos(firstChunkNanos - startNanos);
    UsageSource source = usageSource(status);
    TokenUsage metered =
        switch (source) {
          case REPORTED -> usage;
          case COUNTED -> new TokenUsage(estimateInput(), countDelivered(), 0);
          case RESERVED -> new TokenUsage(estimateInput(), reservedOutput, 0);
          case NONE -> TokenUsage.NONE;
        };
    UsageRecord record =
        new UsageRecord(
            startTime,
            requestId,
            k == null ? null : k.id(),
            k == null ? null : k.teamId(),
            model,
            t == null ? null : t.provider().name(),
            t == null ? null : t.upstreamModel(),
            metered,
            source,
            status,
            Duration.ofNanos(System.nanoTime() - startNanos),
            ttft,
            streamingResponse,
            clientRequestId,
            inputApi());
    trace.finish(status, usage, usageReported);
    try {
      deps.recorder().record(record);
    } catch (RuntimeException e) {
      log.error("usage recorder failed for request {}", requestId, e);
    }
    AdmissionTicket admitted = ticket;
    if (admitted != null) {
      try {
        // Once forwarded, the provider may have served the request whatever the client saw: the
        // ticket settles (to the usage, or keeps the reservation), it is never simply released.
        if (forwarded || status > 0) {
          admitted.settle(record);
        } else {
          admitted.release(record);
        }
      } catch (RuntimeException e) {
        log.error("admission settle failed for request {}", requestId, e);
      }
    }
  }

  /** The input API the client called, as the ledger records it. */
  private @Nullable String inputApi() {
    Endpoint e = endpoint;
    if (e != null) {
      return e.inputApi();
    }
    if (clientPath.equals("/v1/models")) {
      return "models";
    }
    return StoredResponses.matches(clientPath) ? "responses_stored" : null;
  }

  /**
   * Where this request's usage comes from. Without a provider report: a 2xx the client received is
   * counted (the delivered text, the prompt estimated); a request forwarded but never answered to
   * the client (it hung up first), or answered 2xx upstream but not readable here, may have been
   * served, so its reservation is the charge; an upstream error or a request never forwarded used
   * nothing.
   */
  private UsageSource usageSource(int clientStatus) {
    if (free) {
      return UsageSource.NONE; // a token count, or a stored response metered when created
    }
    if (usageReported) {
      return UsageSource.REPORTED;
    }
    if (!forwarded) {
      return UsageSource.NONE;
    }
    if (upstreamStatus == 0) {
      return UsageSource.RESERVED;
    }
    if (upstreamStatus >= 200 && upstreamStatus < 300) {
      return clientStatus >= 200 && clientStatus < 300 ? UsageSource.COUNTED : UsageSource.RESERVED;
    }
    return UsageSource.NONE;
  }

  private long estimateInput() {
    ObjectNode body = requestJson;
    ModelTarget t = target;
    return body == null || t == null ? 0 : deps.estimator().estimate(t.upstreamModel(), body);
  }

  private long countDelivered() {
    DeliveredText d = delivered;
    ModelTarget t = target;
    return d == null || t == null ? 0 : deps.estimator().countText(t.upstreamModel(), d.text());
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String truncate(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }
}
