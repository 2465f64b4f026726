package dev.aigateway.proxy.extproc;

import com.google.protobuf.ByteString;
import dev.aigateway.proxy.http.HeaderList;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor.RouteCacheAction;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.Channel;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The ext_proc HTTP filter for one request: which phases are sent under the current processing
 * mode, and how each answer changes headers, bodies and routing (Envoy's processor_state).
 */
public final class ExtProcFilter {

  /** How the response body is handled after the response headers phase. */
  public enum BodyHandling {
    NONE,
    BUFFERED,
    STREAMED
  }

  private final ExtProcSpec spec;
  private final ExtProcSession session;
  private ProcessingMode mode;
  private boolean firstMessage = true;
  private boolean requestBodyDone;
  private boolean responseBodyDone;
  private boolean requestClRemoved;
  private boolean responseClRemoved;
  private com.google.protobuf.@Nullable Struct requestAttributes;

  public ExtProcFilter(
      ExtProcSpec spec, @Nullable Channel channel, EventLoop loop, Consumer<Outcome> unsolicited) {
    this.spec = spec;
    this.mode = spec.mode();
    this.session = new ExtProcSession(spec, channel, loop, unsolicited);
  }

  /**
   * The evaluated {@code request_attributes}, sent once with the first request-direction message
   * under the key {@code envoy.filters.http.ext_proc} (ext_proc.cc addAttributes).
   */
  public void requestAttributes(com.google.protobuf.Struct attributes) {
    this.requestAttributes = attributes;
  }

  /** Request headers phase; the headers are mutated in place. */
  public void requestHeaders(HeaderList headers, boolean endOfStream, Consumer<Step> done) {
    if (!endOfStream
        && removesContentLength(mode.getRequestBodyMode(), mode.getRequestHeaderMode())) {
      headers.remove("content-length");
      requestClRemoved = true;
    }
    if (mode.getRequestHeaderMode() == HeaderSendMode.SKIP) {
      done.accept(new Step.Continue(null, false));
      return;
    }
    var msg = ProcessingRequest.newBuilder().setRequestHeaders(httpHeaders(headers, endOfStream));
    if (requestAttributes != null) {
      msg.putAttributes("envoy.filters.http.ext_proc", requestAttributes);
      requestAttributes = null;
    }
    send(msg, Phase.REQUEST_HEADERS, o -> done.accept(onHeaders(o, headers, true, endOfStream)));
  }

  /** Request body phase with the whole body (the proxy always has the full request body). */
  public void requestBody(HeaderList headers, byte[] body, Consumer<Step> done) {
    BodySendMode m = mode.getRequestBodyMode();
    if (requestBodyDone || m == BodySendMode.NONE || !session.active()) {
      done.accept(new Step.Continue(body, false));
      return;
    }
    var msg = ProcessingRequest.newBuilder().setRequestBody(httpBody(body, true));
    boolean buffered = m == BodySendMode.BUFFERED || m == BodySendMode.BUFFERED_PARTIAL;
    send(
        msg,
        Phase.REQUEST_BODY,
        o -> done.accept(onBody(o, headers, body, true, buffered, requestClRemoved)));
  }

  /** Response headers phase; may switch the modes through mode_override. */
  public void responseHeaders(HeaderList headers, boolean endOfStream, Consumer<Step> done) {
    if (!endOfStream
        && removesContentLength(mode.getResponseBodyMode(), mode.getResponseHeaderMode())) {
      headers.remove("content-length");
      responseClRemoved = true;
    }
    if (mode.getResponseHeaderMode() == HeaderSendMode.SKIP || !session.active()) {
      done.accept(new Step.Continue(null, false));
      return;
    }
    var msg = ProcessingRequest.newBuilder().setResponseHeaders(httpHeaders(headers, endOfStream));
    send(msg, Phase.RESPONSE_HEADERS, o -> done.accept(onHeaders(o, headers, false, endOfStream)));
  }

  /** How the exchange must treat the response body, decided after the response headers. */
  public BodyHandling responseBodyHandling() {
    if (responseBodyDone || !session.active()) {
      return BodyHandling.NONE;
    }
    return switch (mode.getResponseBodyMode()) {
      case BUFFERED, BUFFERED_PARTIAL -> BodyHandling.BUFFERED;
      case STREAMED, FULL_DUPLEX_STREAMED -> BodyHandling.STREAMED;
      case NONE, UNRECOGNIZED -> BodyHandling.NONE;
    };
  }

  /** Buffered response body phase. */
  public void responseBody(HeaderList headers, byte[] body, Consumer<Step> done) {
    var msg = ProcessingRequest.newBuilder().setResponseBody(httpBody(body, true));
    send(
        msg,
        Phase.RESPONSE_BODY,
        o -> done.accept(onBody(o, headers, body, false, true, responseClRemoved)));
  }

  /** One streamed response chunk; answers come back in FIFO order. */
  public void responseChunk(byte[] chunk, boolean endOfStream, Consumer<Step> done) {
    var msg = ProcessingRequest.newBuilder().setResponseBody(httpBody(chunk, endOfStream));
    send(msg, Phase.RESPONSE_BODY, o -> done.accept(onBody(o, null, chunk, false, false, true)));
  }

  /** Ends the stream normally when the HTTP exchange is complete. */
  public void finish() {
    session.finish();
  }

  /** Cancels the stream when the HTTP exchange is abandoned. */
  public void cancel() {
    session.cancel();
  }

  private void send(ProcessingRequest.Builder msg, Phase phase, Consumer<Outcome> callback) {
    if (firstMessage) {
      firstMessage = false;
      msg.setProtocolConfig(
          ProtocolConfiguration.newBuilder()
              .setRequestBodyMode(mode.getRequestBodyMode())
              .setResponseBodyMode(mode.getResponseBodyMode())
              .setSendBodyWithoutWaitingForHeaderResponse(
                  spec.proto().getSendBodyWithoutWaitingForHeaderResponse()));
    }
    session.send(msg.build(), phase, callback);
  }

  private Step onHeaders(Outcome o, HeaderList headers, boolean request, boolean endOfStream) {
    return switch (o) {
      case Outcome.Passthrough p -> new Step.Continue(null, false);
      case Outcome.Immediate i -> new Step.Stop(i);
      case Outcome.Failure f -> new Step.Stop(f);
      case Outcome.Reply reply -> {
        var r = reply.response();
        if (r.hasModeOverride() && modeOverrideAllowed()) {
          applyModeOverride(r.getModeOverride());
        }
        CommonResponse common =
            request ? r.getRequestHeaders().getResponse() : r.getResponseHeaders().getResponse();
        boolean replace = common.getStatus() == CommonResponse.ResponseStatus.CONTINUE_AND_REPLACE;
        boolean clRemoved = request ? requestClRemoved : responseClRemoved;
        try {
          if (common.hasHeaderMutation()) {
            HeaderMutations.apply(
                common.getHeaderMutation(), headers, spec.mutationRules(), clRemoved, replace);
          }
        } catch (HeaderMutations.RejectedMutation e) {
          yield new Step.Stop(new Outcome.Failure(spec.statusOnError(), e.getMessage()));
        }
        byte[] replaced = null;
        if (replace) {
          if (request) {
            requestBodyDone = true;
          } else {
            responseBodyDone = true;
          }
          if (common.hasBodyMutation()) {
            replaced = mutated(common.getBodyMutation(), new byte[0]);
            headers.remove("content-length");
          }
        }
        yield new Step.Continue(replaced, request && clearsRoute(common));
      }
    };
  }

  private Step onBody(
      Outcome o,
      @Nullable HeaderList headers,
      byte[] body,
      boolean request,
      boolean buffered,
      boolean clRemoved) {
    return switch (o) {
      case Outcome.Passthrough p -> new Step.Continue(body, false);
      case Outcome.Immediate i -> new Step.Stop(i);
      case Outcome.Failure f -> new Step.Stop(f);
      case Outcome.Reply reply -> {
        var r = reply.response();
        CommonResponse common =
            request ? r.getRequestBody().getResponse() : r.getResponseBody().getResponse();
        boolean clear = false;
        if (buffered && headers != null && common.hasHeaderMutation()) {
          // Headers are held until the BodyResponse in BUFFERED mode, so its mutation applies.
          try {
            HeaderMutations.apply(
                common.getHeaderMutation(), headers, spec.mutationRules(), clRemoved, false);
          } catch (HeaderMutations.RejectedMutation e) {
            yield new Step.Stop(new Outcome.Failure(spec.statusOnError(), e.getMessage()));
          }
          clear = request && clearsRoute(common);
        }
        byte[] out = body;
        if (common.hasBodyMutation()) {
          out = mutated(common.getBodyMutation(), body);
          String cl = headers == null ? null : headers.get("content-length");
          if (buffered && cl != null && !cl.trim().equals(Integer.toString(out.length))) {
            yield new Step.Stop(
                new Outcome.Failure(
                    spec.statusOnError(),
                    "mismatch_between_content_length_and_the_length_of_the_mutated_body"));
          }
        }
        yield new Step.Continue(out, clear);
      }
    };
  }

  private boolean clearsRoute(CommonResponse common) {
    if (!common.hasHeaderMutation()) {
      return false;
    }
    RouteCacheAction action = spec.proto().getRouteCacheAction();
    return switch (action) {
      case CLEAR -> true;
      case RETAIN -> false;
      case DEFAULT, UNRECOGNIZED ->
          common.getClearRouteCache() && !spec.proto().getDisableClearRouteCache();
    };
  }

  private boolean modeOverrideAllowed() {
    var p = spec.proto();
    return p.getAllowModeOverride()
        && !p.getSendBodyWithoutWaitingForHeaderResponse()
        && spec.mode().getRequestBodyMode() != BodySendMode.FULL_DUPLEX_STREAMED
        && spec.mode().getResponseBodyMode() != BodySendMode.FULL_DUPLEX_STREAMED;
  }

  private void applyModeOverride(ProcessingMode o) {
    ProcessingMode base = spec.mode();
    ProcessingMode effective =
        ProcessingMode.newBuilder()
            .setRequestHeaderMode(mode.getRequestHeaderMode())
            .setResponseHeaderMode(
                o.getResponseHeaderMode() == HeaderSendMode.DEFAULT
                    ? base.getResponseHeaderMode()
                    : o.getResponseHeaderMode())
            .setRequestTrailerMode(
                o.getRequestTrailerMode() == HeaderSendMode.DEFAULT
                    ? base.getRequestTrailerMode()
                    : o.getRequestTrailerMode())
            .setResponseTrailerMode(
                o.getResponseTrailerMode() == HeaderSendMode.DEFAULT
                    ? base.getResponseTrailerMode()
                    : o.getResponseTrailerMode())
            // Body modes always come from the override: left out means NONE.
            .setRequestBodyMode(o.getRequestBodyMode())
            .setResponseBodyMode(o.getResponseBodyMode())
            .build();
    var allowed = spec.proto().getAllowedOverrideModesList();
    if (!allowed.isEmpty()) {
      ProcessingMode cmp = effective.toBuilder().clearRequestHeaderMode().build();
      boolean ok =
          allowed.stream()
              .anyMatch(a -> a.toBuilder().clearRequestHeaderMode().build().equals(cmp));
      if (!ok) {
        return;
      }
    }
    mode = effective;
  }

  private static byte[] mutated(BodyMutation m, byte[] original) {
    return switch (m.getMutationCase()) {
      case BODY -> m.getBody().toByteArray();
      case CLEAR_BODY -> m.getClearBody() ? new byte[0] : original;
      case STREAMED_RESPONSE, MUTATION_NOT_SET -> original;
    };
  }

  static boolean removesContentLength(BodySendMode body, HeaderSendMode header) {
    return switch (body) {
      case STREAMED, BUFFERED_PARTIAL, FULL_DUPLEX_STREAMED -> true;
      case BUFFERED -> header == HeaderSendMode.SKIP;
      case NONE, UNRECOGNIZED -> false;
    };
  }

  private static HttpHeaders httpHeaders(HeaderList headers, boolean endOfStream) {
    HeaderMap.Builder map = HeaderMap.newBuilder();
    for (HeaderList.Header h : headers.all()) {
      map.addHeaders(
          HeaderValue.newBuilder()
              .setKey(h.name())
              .setRawValue(ByteString.copyFrom(h.value(), StandardCharsets.UTF_8)));
    }
    return HttpHeaders.newBuilder().setHeaders(map).setEndOfStream(endOfStream).build();
  }

  private static HttpBody httpBody(byte[] body, boolean endOfStream) {
    return HttpBody.newBuilder()
        .setBody(ByteString.copyFrom(body))
        .setEndOfStream(endOfStream)
        .build();
  }
}
