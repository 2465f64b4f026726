package dev.aigateway.dataplane.testing;

import static dev.aigateway.db.jooq.Tables.MODELS;
import static dev.aigateway.db.jooq.Tables.MODEL_TARGETS;
import static dev.aigateway.db.jooq.Tables.PROVIDERS;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.aigateway.db.Database;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Plays Envoy's part of the ext_proc protocol against a real gRPC server, the way the gateway's two
 * filters are configured (failover contract): the router-level filter (request headers SEND,
 * request body BUFFERED with the headers held until the body answer, response headers SEND,
 * response body BUFFERED unless an answer overrides it) and, per attempt, the upstream filter of
 * the model's cluster (the same modes, gRPC metadata {@code x-gateway-processing-point: attempt},
 * the chosen endpoint's metadata in {@code attributes}). It routes on {@code x-gateway-model} only
 * when the route cache was cleared, tries the model's targets by priority the way the route's retry
 * policy does (connect failure, 5xx, 429 and 529 retried on the next target, each target once,
 * {@code x-envoy-attempt-count} set), and calls the real (fake) upstream over HTTP in between.
 * Anything Envoy would treat as a protocol error (a spurious answer, a content-length that does not
 * match a mutated body) fails the exchange with the 500 Envoy would send, and is listed in {@link
 * Exchange#protocolErrors}.
 */
public final class EnvoyLikeClient implements AutoCloseable {
  private static final Set<String> NOT_SETTABLE =
      Set.of("host", ":authority", ":scheme", ":method");
  private static final Set<String> HTTP_CLIENT_RESTRICTED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "te");

  private static final Metadata.Key<String> POINT =
      Metadata.Key.of("x-gateway-processing-point", Metadata.ASCII_STRING_MARSHALLER);
  private static final Set<Integer> RETRIABLE = Set.of(429, 529);

  private final ManagedChannel channel;
  private final Map<String, URI> routes;
  private final Function<String, List<Target>> targets;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** One endpoint of a model's cluster, as the xDS describes it (contract item 3). */
  public record Target(String provider, String id, String upstreamModel, int priority) {}

  /**
   * @param routes provider name to upstream base URI (the endpoint's address)
   * @param targets model name to its targets, as EDS would list them
   */
  public EnvoyLikeClient(
      int extProcPort, Map<String, URI> routes, Function<String, List<Target>> targets) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", extProcPort).usePlaintext().build();
    this.routes = routes; // live: routes added later apply, like RDS updates
    this.targets = targets;
  }

  /** Targets read from the database the way the control plane would publish them. */
  public static Function<String, List<Target>> targetsIn(Database db) {
    return model ->
        db.dsl()
            .select(
                PROVIDERS.NAME,
                MODEL_TARGETS.ID,
                MODEL_TARGETS.UPSTREAM_MODEL,
                MODEL_TARGETS.PRIORITY)
            .from(MODEL_TARGETS)
            .join(MODELS)
            .on(MODELS.ID.eq(MODEL_TARGETS.MODEL_ID))
            .join(PROVIDERS)
            .on(PROVIDERS.ID.eq(MODEL_TARGETS.PROVIDER_ID))
            .where(MODELS.NAME.eq(model).and(MODEL_TARGETS.WEIGHT.gt(0)))
            .orderBy(MODEL_TARGETS.PRIORITY, MODEL_TARGETS.POSITION)
            .fetch(r -> new Target(r.value1(), r.value2().toString(), r.value3(), r.value4()));
  }

  /** A client request; header names lower-case. */
  public record ClientRequest(
      String method, String path, Map<String, String> headers, byte[] body) {
    public static ClientRequest postJson(String path, String apiKey, String json) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("content-type", "application/json");
      headers.put("authorization", "Bearer " + apiKey);
      return new ClientRequest("POST", path, headers, json.getBytes(StandardCharsets.UTF_8));
    }

    public static ClientRequest get(String path, String apiKey) {
      return new ClientRequest(
          "GET", path, Map.of("authorization", "Bearer " + apiKey), new byte[0]);
    }
  }

  /** What happened, as the client and the upstream saw it. */
  public record Exchange(
      int status,
      Map<String, String> headers,
      byte[] body,
      boolean immediate,
      boolean routeCleared,
      Map<String, String> upstreamHeaders,
      List<ProcessingResponse> answers,
      List<String> protocolErrors,
      int responseChunks,
      List<String> attempts) {
    /** Per attempt, {@code <target id>:<status>} (status "reset" for a connect failure). */
    public List<String> attemptsMade() {
      return attempts;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends the request; a streamed response is cut into chunks of {@code chunkSize} bytes. */
  public Exchange send(ClientRequest request, int chunkSize) {
    return new Run(request, chunkSize).run();
  }

  public Exchange send(ClientRequest request) {
    return send(request, 64);
  }

  /** One ext_proc stream (one filter instance's view of one HTTP request or attempt). */
  private final class Stream {
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<ProcessingResponse> answers;
    private final StreamObserver<ProcessingRequest> outbound;
    private boolean closed;

    Stream(boolean attempt, List<ProcessingResponse> answers) {
      this.answers = answers;
      var stub = ExternalProcessorGrpc.newStub(channel);
      if (attempt) {
        Metadata metadata = new Metadata();
        metadata.put(POINT, "attempt");
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
      }
      outbound =
          stub.process(
              new StreamObserver<>() {
                @Override
                public void onNext(ProcessingResponse value) {
                  inbox.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  inbox.add(t);
                }

                @Override
                public void onCompleted() {}
              });
    }

    ProcessingResponse call(ProcessingRequest request) {
      outbound.onNext(request);
      return take();
    }

    void send(ProcessingRequest request) {
      outbound.onNext(request);
    }

    ProcessingResponse take() {
      Object next;
      try {
        next = inbox.poll(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (next == null) {
        throw new IllegalStateException("ext_proc did not answer within the message timeout");
      }
      if (next instanceof Throwable t) {
        throw new IllegalStateException("ext_proc stream failed", t);
      }
      ProcessingResponse response = (ProcessingResponse) next;
      answers.add(response);
      return response;
    }

    /** Envoy closes its side when the HTTP stream (or the attempt) ends. */
    void close() {
      if (!closed) {
        closed = true;
        outbound.onCompleted();
      }
    }
  }

  /** A response as it leaves a filter: status and headers, body, chunks seen. */
  private record Reply(
      Map<String, String> headers, byte[] body, int chunks, boolean immediate, boolean failed) {
    int status() {
      return Integer.parseInt(headers.getOrDefault(":status", "0"));
    }
  }

  private final class Run {
    private final ClientRequest request;
    private final int chunkSize;
    private final List<ProcessingResponse> answers = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> attemptLog = new ArrayList<>();
    private Stream router;
    private boolean routeCleared;
    private Map<String, String> upstreamHeaders = Map.of();

    Run(ClientRequest request, int chunkSize) {
      this.request = request;
      this.chunkSize = chunkSize;
    }

    Exchange run() {
      router = new Stream(false, answers);
      try {
        return exchange();
      } finally {
        router.close();
      }
    }

    private Exchange exchange() {
      Map<String, String> held = new LinkedHashMap<>();
      held.put(":method", request.method());
      held.put(":path", request.path());
      held.put(":scheme", "http");
      held.put(":authority", "gateway.local:10000");
      held.put("x-request-id", UUID.randomUUID().toString());
      held.putAll(request.headers());
      boolean hasBody = request.body().length > 0;
      if (hasBody) {
        held.put("content-length", Integer.toString(request.body().length));
      }
      ProcessingResponse answer = router.call(first(held, !hasBody));
      if (answer.hasImmediateResponse()) {
        return immediate(answer, held);
      }
      if (!answer.hasRequestHeaders()) {
        return spurious("request_headers", answer, held);
      }
      CommonResponse headersCommon = answer.getRequestHeaders().getResponse();
      applyHeaders(held, headersCommon.getHeaderMutation(), false);
      clearRoute(headersCommon);
      byte[] body = request.body();
      if (hasBody) {
        answer = router.call(body(body, false));
        if (answer.hasImmediateResponse()) {
          return immediate(answer, held);
        }
        if (!answer.hasRequestBody()) {
          return spurious("request_body", answer, held);
        }
        CommonResponse common = answer.getRequestBody().getResponse();
        applyHeaders(held, common.getHeaderMutation(), false);
        body = applyBody(body, common);
        if (!lengthMatches(held, body)) {
          return envoyError("mismatch between content length and the mutated request body", held);
        }
        clearRoute(common);
      }
      // Route: the initial match (no model header) only hits the catch-all 404.
      String model = routeCleared ? held.get("x-gateway-model") : null;
      String provider = routeCleared ? held.get("x-gateway-provider") : null;
      List<Target> cluster = model == null ? List.of() : targets.apply(model);
      Reply last;
      if (model == null && provider != null && routes.containsKey(provider)) {
        // A provider's own route (stored responses): no upstream filter, no retries.
        upstreamHeaders = new LinkedHashMap<>(held);
        HttpResponse<byte[]> upstream = callUpstream(routes.get(provider), held, body);
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        if (upstream == null) {
          responseHeaders.put(":status", "503");
          last = new Reply(responseHeaders, new byte[0], 0, false, true);
        } else {
          upstream
              .headers()
              .map()
              .forEach((k, v) -> responseHeaders.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
          responseHeaders.remove(":status");
          responseHeaders.put(":status", Integer.toString(upstream.statusCode()));
          last = new Reply(responseHeaders, upstream.body(), 0, false, false);
        }
      } else if (cluster.isEmpty()) {
        Map<String, String> notFound = new LinkedHashMap<>();
        notFound.put(":status", "404");
        notFound.put("content-type", "application/json");
        last =
            new Reply(
                notFound,
                "{\"error\":{\"message\":\"no route\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}"
                    .getBytes(StandardCharsets.UTF_8),
                0,
                false,
                false);
      } else {
        last = null;
        for (int i = 0; i < cluster.size(); i++) {
          last = attempt(cluster.get(i), i + 1, held, body, i < cluster.size() - 1);
          if (last == null) {
            return envoyError("attempt failed with a protocol error", held);
          }
          if (!retriable(last)) {
            break;
          }
        }
      }
      return downstream(last);
    }

    private boolean retriable(Reply r) {
      int status = r.status();
      return r.failed() || status >= 500 || RETRIABLE.contains(status);
    }

    /**
     * One attempt through the upstream ext_proc: null on a protocol error. With {@code mayRetry}, a
     * retriable answer ends the attempt at its response headers, as Envoy's router does.
     */
    private Reply attempt(
        Target target,
        int number,
        Map<String, String> routed,
        byte[] clientBody,
        boolean mayRetry) {
      Stream stream = new Stream(true, answers);
      try {
        Map<String, String> held = new LinkedHashMap<>(routed);
        held.put("x-envoy-attempt-count", Integer.toString(number));
        byte[] body = clientBody;
        boolean hasBody = body.length > 0;
        ProcessingRequest first =
            first(held, !hasBody).toBuilder().putAttributes(ATTRIBUTES, attributes(target)).build();
        ProcessingResponse answer = stream.call(first);
        if (answer.hasImmediateResponse()) {
          return logged(target, localReply(answer));
        }
        if (!answer.hasRequestHeaders()) {
          errors.add("attempt: spurious answer to request_headers: " + answer.getResponseCase());
          return null;
        }
        CommonResponse headersAnswer = answer.getRequestHeaders().getResponse();
        applyHeaders(held, headersAnswer.getHeaderMutation(), false);
        if (headersAnswer.getStatus() == CommonResponse.ResponseStatus.CONTINUE_AND_REPLACE) {
          // processor_state.cc: the body is replaced, content-length removed after the header
          // mutations, and no body message follows (the router's buffered body is discarded).
          if (headersAnswer.hasBodyMutation()) {
            body = applyBody(body, headersAnswer);
            held.remove("content-length");
          }
          hasBody = false;
        }
        if (hasBody) {
          answer = stream.call(body(body, false));
          if (answer.hasImmediateResponse()) {
            return logged(target, localReply(answer));
          }
          if (!answer.hasRequestBody()) {
            errors.add("attempt: spurious answer to request_body: " + answer.getResponseCase());
            return null;
          }
          CommonResponse common = answer.getRequestBody().getResponse();
          applyHeaders(held, common.getHeaderMutation(), false);
          body = applyBody(body, common);
          if (!lengthMatches(held, body)) {
            errors.add("attempt: mismatch between content length and the mutated request body");
            return null;
          }
        }
        upstreamHeaders = new LinkedHashMap<>(held);
        URI base = routes.get(target.provider());
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        byte[] responseBody;
        HttpResponse<byte[]> upstream = base == null ? null : callUpstream(base, held, body);
        if (upstream == null) {
          // Connect failure or reset: the router retries, or answers 503 itself.
          Map<String, String> reset = new LinkedHashMap<>();
          reset.put(":status", "503");
          reset.put("content-type", "text/plain");
          attemptLog.add(target.id() + ":reset");
          return new Reply(
              reset,
              "upstream connect error or disconnect/reset before headers"
                  .getBytes(StandardCharsets.UTF_8),
              0,
              false,
              true);
        }
        upstream
            .headers()
            .map()
            .forEach((k, v) -> responseHeaders.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
        responseHeaders.remove(":status");
        responseHeaders.put(":status", Integer.toString(upstream.statusCode()));
        responseBody = upstream.body();
        Reply reply = filterResponse(stream, responseHeaders, responseBody, mayRetry);
        return reply == null ? null : logged(target, reply);
      } finally {
        stream.close();
      }
    }

    private Reply logged(Target target, Reply reply) {
      attemptLog.add(target.id() + ":" + reply.status());
      return reply;
    }

    private Reply localReply(ProcessingResponse answer) {
      var immediate = answer.getImmediateResponse();
      Map<String, String> headers = new LinkedHashMap<>();
      applyHeaders(headers, immediate.getHeaders(), true);
      int status = immediate.getStatus().getCodeValue();
      headers.put(":status", Integer.toString(status < 200 ? 200 : status));
      return new Reply(headers, immediate.getBody().toByteArray(), 0, true, false);
    }

    /** The response through one filter's response phases; null on a protocol error. */
    private Reply filterResponse(
        Stream stream, Map<String, String> held, byte[] body, boolean mayRetry) {
      boolean hasBody = body.length > 0;
      ProcessingResponse answer =
          stream.call(
              ProcessingRequest.newBuilder().setResponseHeaders(headers(held, !hasBody)).build());
      if (answer.hasImmediateResponse()) {
        return localReply(answer);
      }
      if (!answer.hasResponseHeaders()) {
        errors.add("spurious message: expected response_headers, got " + answer.getResponseCase());
        return null;
      }
      applyHeaders(held, answer.getResponseHeaders().getResponse().getHeaderMutation(), true);
      Reply afterHeaders = new Reply(held, body, 0, false, false);
      if (mayRetry && retriable(afterHeaders)) {
        return afterHeaders; // the router retries on the headers; the body is never processed
      }
      ProcessingMode.BodySendMode mode = ProcessingMode.BodySendMode.BUFFERED;
      if (answer.hasModeOverride()) {
        mode = answer.getModeOverride().getResponseBodyMode();
      }
      int chunks = 0;
      byte[] out = body;
      if (hasBody && mode == ProcessingMode.BodySendMode.BUFFERED) {
        answer = stream.call(body(body, true));
        if (answer.hasImmediateResponse()) {
          // Accepted in any phase; the held response headers are replaced by the local reply.
          return localReply(answer);
        }
        if (!answer.hasResponseBody()) {
          errors.add("spurious message: expected response_body, got " + answer.getResponseCase());
          return null;
        }
        CommonResponse common = answer.getResponseBody().getResponse();
        applyHeaders(held, common.getHeaderMutation(), true);
        out = applyBody(body, common);
        if (!lengthMatches(held, out)) {
          errors.add("mismatch between content length and the mutated response body");
          return null;
        }
        chunks = 1;
      } else if (hasBody && mode == ProcessingMode.BodySendMode.STREAMED) {
        // Envoy sends chunks without waiting; each answer applies to the oldest unanswered chunk.
        List<byte[]> parts = new ArrayList<>();
        for (int at = 0; at < body.length; at += chunkSize) {
          parts.add(Arrays.copyOfRange(body, at, Math.min(body.length, at + chunkSize)));
        }
        for (int i = 0; i < parts.size(); i++) {
          stream.send(
              ProcessingRequest.newBuilder()
                  .setResponseBody(
                      HttpBody.newBuilder()
                          .setBody(ByteString.copyFrom(parts.get(i)))
                          .setEndOfStream(i == parts.size() - 1))
                  .build());
        }
        var assembled = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
          answer = stream.take();
          if (!answer.hasResponseBody()) {
            errors.add("spurious message: expected streamed response_body");
            return null;
          }
          // Streamed header mutations are ignored by Envoy.
          assembled.writeBytes(applyBody(part, answer.getResponseBody().getResponse()));
        }
        out = assembled.toByteArray();
        chunks = parts.size();
      } else if (hasBody && mode != ProcessingMode.BodySendMode.NONE) {
        errors.add("unexpected response body mode " + mode);
      }
      return new Reply(held, out, chunks, false, false);
    }

    /** The final reply through the router-level filter to the client. */
    private Exchange downstream(Reply last) {
      Map<String, String> held = new LinkedHashMap<>(last.headers());
      Reply reply = filterResponse(router, held, last.body(), false);
      if (reply == null) {
        return envoyError(errors.getLast(), held);
      }
      return new Exchange(
          reply.status(),
          withoutPseudo(reply.headers()),
          reply.body(),
          reply.immediate(),
          routeCleared,
          upstreamHeaders,
          List.copyOf(answers),
          List.copyOf(errors),
          Math.max(reply.chunks(), last.chunks()),
          List.copyOf(attemptLog));
    }

    private ProcessingRequest first(Map<String, String> held, boolean endOfStream) {
      return ProcessingRequest.newBuilder()
          .setRequestHeaders(headers(held, endOfStream))
          .setProtocolConfig(
              ProtocolConfiguration.newBuilder()
                  .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
                  .setResponseBodyMode(ProcessingMode.BodySendMode.BUFFERED))
          .build();
    }

    private ProcessingRequest body(byte[] body, boolean response) {
      HttpBody b =
          HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(true).build();
      return response
          ? ProcessingRequest.newBuilder().setResponseBody(b).build()
          : ProcessingRequest.newBuilder().setRequestBody(b).build();
    }

    private @Nullable HttpResponse<byte[]> callUpstream(
        URI base, Map<String, String> held, byte[] body) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + held.get(":path")))
              .timeout(Duration.ofSeconds(10))
              .method(held.get(":method"), HttpRequest.BodyPublishers.ofByteArray(body));
      held.forEach(
          (k, v) -> {
            if (!k.startsWith(":") && !HTTP_CLIENT_RESTRICTED.contains(k)) {
              b.header(k, v);
            }
          });
      try {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private void clearRoute(CommonResponse common) {
      // Envoy honours clear_route_cache only together with a header mutation.
      if (common.getClearRouteCache() && common.hasHeaderMutation()) {
        routeCleared = true;
      }
    }

    private void applyHeaders(Map<String, String> held, HeaderMutation mutation, boolean response) {
      for (String name : mutation.getRemoveHeadersList()) {
        if (name.startsWith(":") || name.equals("host")) {
          errors.add("cannot remove " + name);
          continue;
        }
        held.remove(name.toLowerCase(Locale.ROOT));
      }
      for (HeaderValueOption option : mutation.getSetHeadersList()) {
        HeaderValue h = option.getHeader();
        String name = h.getKey().toLowerCase(Locale.ROOT);
        if (!h.getValue().isEmpty() && !h.getRawValue().isEmpty()) {
          errors.add("both value and raw_value set on " + name);
          continue;
        }
        if (NOT_SETTABLE.contains(name) || name.startsWith("x-envoy-")) {
          errors.add("ignored mutation of " + name);
          continue;
        }
        if (response && name.equals(":path")) {
          errors.add(":path set on a response");
          continue;
        }
        held.put(name, h.getRawValue().toString(StandardCharsets.UTF_8));
      }
    }

    private byte[] applyBody(byte[] body, CommonResponse common) {
      if (!common.hasBodyMutation()) {
        return body;
      }
      return switch (common.getBodyMutation().getMutationCase()) {
        case BODY -> common.getBodyMutation().getBody().toByteArray();
        case CLEAR_BODY -> new byte[0];
        case STREAMED_RESPONSE -> {
          errors.add("streamed_response outside FULL_DUPLEX_STREAMED");
          yield body;
        }
        case MUTATION_NOT_SET -> body;
      };
    }

    private boolean lengthMatches(Map<String, String> held, byte[] body) {
      String length = held.get("content-length");
      return length == null || Integer.parseInt(length) == body.length;
    }

    private Exchange immediate(ProcessingResponse answer, Map<String, String> upstreamHeaders) {
      var immediate = answer.getImmediateResponse();
      Map<String, String> headers = new LinkedHashMap<>();
      applyHeaders(headers, immediate.getHeaders(), true);
      int status = immediate.getStatus().getCodeValue();
      return new Exchange(
          status < 200 ? 200 : status,
          headers,
          immediate.getBody().toByteArray(),
          true,
          routeCleared,
          Map.of(),
          List.copyOf(answers),
          List.copyOf(errors),
          0,
          List.copyOf(attemptLog));
    }

    private Exchange spurious(
        String expected, ProcessingResponse answer, Map<String, String> held) {
      return envoyError(
          "spurious message: expected " + expected + ", got " + answer.getResponseCase(), held);
    }

    private Exchange envoyError(String error, Map<String, String> held) {
      errors.add(error);
      return new Exchange(
          500,
          Map.of(),
          new byte[0],
          false,
          routeCleared,
          held,
          List.copyOf(answers),
          List.copyOf(errors),
          0,
          List.copyOf(attemptLog));
    }
  }

  private static final String ATTRIBUTES = "envoy.filters.http.ext_proc";

  /**
   * What the per-attempt filter's {@code request_attributes} (one CEL expression per endpoint
   * metadata key) make Envoy send: each value as a string under its expression's text.
   */
  private static Struct attributes(Target target) {
    return Struct.newBuilder()
        .putFields(endpointAttribute("provider"), string(target.provider()))
        .putFields(endpointAttribute("target"), string(target.id()))
        .putFields(endpointAttribute("upstream_model"), string(target.upstreamModel()))
        .build();
  }

  public static String endpointAttribute(String key) {
    return "xds.upstream_host_metadata.filter_metadata['dev.aigateway']['" + key + "']";
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  private static HttpHeaders headers(Map<String, String> headers, boolean endOfStream) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    headers.forEach(
        (k, v) ->
            map.addHeaders(
                HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFromUtf8(v))));
    return HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(endOfStream).build();
  }

  private static Map<String, String> withoutPseudo(Map<String, String> headers) {
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach(
        (k, v) -> {
          if (!k.startsWith(":")) {
            copy.put(k, v);
          }
        });
    return copy;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
