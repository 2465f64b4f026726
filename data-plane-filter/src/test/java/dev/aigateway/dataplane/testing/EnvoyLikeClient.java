package dev.aigateway.dataplane.testing;

import com.google.protobuf.ByteString;
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
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/**
 * Plays Envoy's part of the ext_proc protocol against a real gRPC server, the way the gateway's
 * filter is configured (docs/contracts.md): request headers SEND, request body BUFFERED (headers
 * held until the body answer), response headers SEND, response body BUFFERED unless the answer to
 * response headers overrides it to STREAMED, trailers SKIP. It applies mutations with Envoy's
 * default mutation rules and checks, routes on {@code x-gateway-provider} only when the route cache
 * was cleared, and calls the real (fake) upstream over HTTP in between. Anything Envoy would treat
 * as a protocol error (a spurious answer, a content-length that does not match a mutated body)
 * fails the exchange with the 500 Envoy would send, and is listed in {@link
 * Exchange#protocolErrors}.
 */
public final class EnvoyLikeClient implements AutoCloseable {
  private static final Set<String> NOT_SETTABLE =
      Set.of("host", ":authority", ":scheme", ":method");
  private static final Set<String> HTTP_CLIENT_RESTRICTED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "te");

  private final ManagedChannel channel;
  private final Map<String, URI> routes;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * @param routes provider name (the value of {@code x-gateway-provider}) to upstream base URI
   */
  public EnvoyLikeClient(int extProcPort, Map<String, URI> routes) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", extProcPort).usePlaintext().build();
    this.routes = routes; // live: routes added later apply, like RDS updates
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
      int responseChunks) {
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

  private final class Run {
    private final ClientRequest request;
    private final int chunkSize;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<ProcessingResponse> answers = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private StreamObserver<ProcessingRequest> outbound;
    private boolean routeCleared;

    Run(ClientRequest request, int chunkSize) {
      this.request = request;
      this.chunkSize = chunkSize;
    }

    Exchange run() {
      outbound =
          ExternalProcessorGrpc.newStub(channel)
              .process(
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
      try {
        return exchange();
      } finally {
        outbound.onCompleted();
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
      ProcessingRequest first =
          ProcessingRequest.newBuilder()
              .setRequestHeaders(headers(held, !hasBody))
              .setProtocolConfig(
                  ProtocolConfiguration.newBuilder()
                      .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
                      .setResponseBodyMode(ProcessingMode.BodySendMode.BUFFERED))
              .build();
      ProcessingResponse answer = call(first);
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
        answer =
            call(
                ProcessingRequest.newBuilder()
                    .setRequestBody(
                        HttpBody.newBuilder()
                            .setBody(ByteString.copyFrom(body))
                            .setEndOfStream(true))
                    .build());
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
      // Route: the initial match (no provider header) only hits the catch-all 404.
      String provider = routeCleared ? held.get("x-gateway-provider") : null;
      URI base = provider == null ? null : routes.get(provider);
      Map<String, String> upstreamHeaders = new LinkedHashMap<>(held);
      Map<String, String> responseHeaders = new LinkedHashMap<>();
      byte[] responseBody;
      if (base == null) {
        responseHeaders.put(":status", "404");
        responseHeaders.put("content-type", "application/json");
        responseBody =
            "{\"error\":{\"message\":\"no route\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}"
                .getBytes(StandardCharsets.UTF_8);
      } else {
        HttpResponse<byte[]> upstream = callUpstream(base, held, body);
        responseHeaders.put(":status", Integer.toString(upstream.statusCode()));
        upstream
            .headers()
            .map()
            .forEach((k, v) -> responseHeaders.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
        responseHeaders.remove(":status");
        responseHeaders.put(":status", Integer.toString(upstream.statusCode()));
        responseBody = upstream.body();
      }
      return response(responseHeaders, responseBody, upstreamHeaders);
    }

    private Exchange response(
        Map<String, String> held, byte[] body, Map<String, String> upstreamHeaders) {
      boolean hasBody = body.length > 0;
      ProcessingResponse answer =
          call(ProcessingRequest.newBuilder().setResponseHeaders(headers(held, !hasBody)).build());
      if (answer.hasImmediateResponse()) {
        return immediate(answer, held);
      }
      if (!answer.hasResponseHeaders()) {
        return spurious("response_headers", answer, held);
      }
      applyHeaders(held, answer.getResponseHeaders().getResponse().getHeaderMutation(), true);
      ProcessingMode.BodySendMode mode = ProcessingMode.BodySendMode.BUFFERED;
      if (answer.hasModeOverride()) {
        mode = answer.getModeOverride().getResponseBodyMode();
      }
      int chunks = 0;
      byte[] out = body;
      if (hasBody && mode == ProcessingMode.BodySendMode.BUFFERED) {
        answer =
            call(
                ProcessingRequest.newBuilder()
                    .setResponseBody(
                        HttpBody.newBuilder()
                            .setBody(ByteString.copyFrom(body))
                            .setEndOfStream(true))
                    .build());
        if (answer.hasImmediateResponse()) {
          // Accepted in any phase; the held response headers are replaced by the local reply.
          return immediate(answer, held);
        }
        if (!answer.hasResponseBody()) {
          return spurious("response_body", answer, held);
        }
        CommonResponse common = answer.getResponseBody().getResponse();
        applyHeaders(held, common.getHeaderMutation(), true);
        out = applyBody(body, common);
        if (!lengthMatches(held, out)) {
          return envoyError("mismatch between content length and the mutated response body", held);
        }
        chunks = 1;
      } else if (hasBody && mode == ProcessingMode.BodySendMode.STREAMED) {
        // Envoy sends chunks without waiting; each answer applies to the oldest unanswered chunk.
        List<byte[]> parts = new ArrayList<>();
        for (int at = 0; at < body.length; at += chunkSize) {
          parts.add(Arrays.copyOfRange(body, at, Math.min(body.length, at + chunkSize)));
        }
        for (int i = 0; i < parts.size(); i++) {
          outbound.onNext(
              ProcessingRequest.newBuilder()
                  .setResponseBody(
                      HttpBody.newBuilder()
                          .setBody(ByteString.copyFrom(parts.get(i)))
                          .setEndOfStream(i == parts.size() - 1))
                  .build());
        }
        var assembled = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
          answer = take();
          if (!answer.hasResponseBody()) {
            return spurious("response_body (streamed)", answer, held);
          }
          // Streamed header mutations are ignored by Envoy.
          assembled.writeBytes(applyBody(part, answer.getResponseBody().getResponse()));
        }
        out = assembled.toByteArray();
        chunks = parts.size();
      } else if (hasBody && mode == ProcessingMode.BodySendMode.NONE) {
        chunks = 0;
      } else if (hasBody) {
        errors.add("unexpected response body mode " + mode);
      }
      return new Exchange(
          Integer.parseInt(held.get(":status")),
          withoutPseudo(held),
          out,
          false,
          routeCleared,
          upstreamHeaders,
          List.copyOf(answers),
          List.copyOf(errors),
          chunks);
    }

    private HttpResponse<byte[]> callUpstream(URI base, Map<String, String> held, byte[] body) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + held.get(":path")))
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
        throw new UncheckedIOException(e);
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
          0);
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
          0);
    }

    private ProcessingResponse call(ProcessingRequest request) {
      outbound.onNext(request);
      return take();
    }

    private ProcessingResponse take() {
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
