package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.cluster.ClusterSpec;
import dev.aigateway.proxy.cluster.UpstreamClient;
import dev.aigateway.proxy.extproc.ExtProcFilter;
import dev.aigateway.proxy.extproc.ExtProcSpec;
import dev.aigateway.proxy.extproc.Outcome;
import dev.aigateway.proxy.extproc.Step;
import dev.aigateway.proxy.http.HeaderList;
import dev.aigateway.proxy.router.Route;
import dev.aigateway.proxy.router.RouteAction;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream request, start to end: ext_proc request phases, routing (again after a cleared
 * route cache), the upstream call or a local reply, then the response phases through {@link
 * ResponseRelay}. Runs entirely on the connection's event loop.
 */
final class Exchange implements Attempts.Downstream {

  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  private final ChannelHandlerContext ctx;
  private final ListenerView view;
  private final ProxyServices services;
  private final Runnable onDone;
  private final HeaderList headers;
  private final boolean headRequest;
  private byte[] body;
  private @Nullable ExtProcFilter filter;
  private @Nullable Route route;
  private @Nullable ResponseRelay relay;
  private UpstreamClient.@Nullable Call upstreamCall;
  private @Nullable ScheduledFuture<?> routeTimer;
  private boolean upstreamDone;
  private boolean done;
  private boolean oversized;

  /** Started at the headers; the body is still being read (HeadersFirst). */
  private boolean bodyPending;

  private @Nullable Runnable afterBody;
  private @Nullable ScheduledFuture<?> idleTimer;
  private Duration idleTimeout = Duration.ZERO;
  private @Nullable ScheduledFuture<?> maxDurationTimer;
  private long upstreamStartNanos;
  private final long startNanos = System.nanoTime();

  Exchange(
      ChannelHandlerContext ctx,
      ListenerView view,
      ProxyServices services,
      FullHttpRequest request,
      Runnable onDone) {
    this.ctx = ctx;
    this.view = view;
    this.services = services;
    this.onDone = onDone;
    this.headers = HttpMessages.requestHeaders(request);
    this.headRequest = request.method().name().equals("HEAD");
    this.body = io.netty.buffer.ByteBufUtil.getBytes(request.content());
    this.oversized = false;
  }

  /**
   * A request whose body exceeds the listener's buffer limit. Envoy still runs the decoder filters
   * on its headers (the ext_proc may answer first, as ours does from content-length), then answers
   * 413 as a local reply that passes the encoder filters (filter_manager.cc requestDataTooLarge),
   * never a codec-level 413 before any filter saw the request.
   */
  Exchange(
      ChannelHandlerContext ctx,
      ListenerView view,
      ProxyServices services,
      io.netty.handler.codec.http.HttpRequest oversizedHeaders,
      Runnable onDone) {
    this.ctx = ctx;
    this.view = view;
    this.services = services;
    this.onDone = onDone;
    this.headers = HttpMessages.requestHeaders(oversizedHeaders);
    this.headRequest = false;
    this.body = new byte[0];
    this.oversized = true;
  }

  /**
   * A request started at its headers, before its body has been read (issue 14 item 8): the
   * ext_proc's request_headers phase runs at once, and the body is read only if it lets the request
   * go on ({@link #bodyArrived} or {@link #bodyOversized} follow).
   */
  Exchange(
      ChannelHandlerContext ctx,
      ListenerView view,
      ProxyServices services,
      io.netty.handler.codec.http.HttpRequest headersOnly,
      Runnable onDone,
      boolean headersFirst) {
    this.ctx = ctx;
    this.view = view;
    this.services = services;
    this.onDone = onDone;
    this.headers = HttpMessages.requestHeaders(headersOnly);
    this.headRequest = headersOnly.method().name().equals("HEAD");
    this.body = new byte[0];
    this.oversized = false;
    this.bodyPending = headersFirst;
  }

  /** True while the exchange waits for the rest of its request. */
  boolean awaitingBody() {
    return bodyPending && !done;
  }

  /** The whole body of a HeadersFirst request has arrived. */
  void bodyArrived(byte[] bytes) {
    bodyPending = false;
    body = bytes;
    Runnable next = afterBody;
    afterBody = null;
    if (next != null && !done) {
      next.run();
    }
  }

  /** The body of a HeadersFirst request is over the buffer limit (the rest is not read). */
  void bodyOversized() {
    bodyPending = false;
    oversized = true;
    Runnable next = afterBody;
    afterBody = null;
    if (next != null && !done) {
      payloadTooLarge();
    }
  }

  /** Runs {@code next} once the body is complete, reading it only now. */
  private boolean deferUntilBody(Runnable next) {
    if (!bodyPending) {
      return false;
    }
    afterBody = next;
    ctx.channel().config().setAutoRead(true);
    ctx.channel().read();
    return true;
  }

  void start() {
    if (!headers.contains("x-forwarded-proto")) {
      headers.add("x-forwarded-proto", "http");
    }
    DownstreamPolicy downstream = view.listener().downstream();
    downstream.mutateRequest(headers, peerAddress(), view.listener().generateRequestId());
    if (view.listener().generateRequestId() && !headers.contains("x-request-id")) {
      headers.add("x-request-id", UUID.randomUUID().toString());
    }
    startIdleTimer(downstream.streamIdleTimeout());
    // Envoy resolves the route at decodeHeaders; it stays cached unless ext_proc clears it.
    route = view.routes().match(headers);
    ExtProcSpec spec = view.listener().extProc();
    if (spec == null) {
      if (!deferUntilBody(() -> routeAndForward(false))) {
        routeAndForward(false);
      }
      return;
    }
    ExtProcFilter f =
        new ExtProcFilter(
            spec,
            services
                .extProc()
                .channelFor(view.clusters().get(spec.cluster()), ctx.channel().eventLoop()),
            ctx.channel().eventLoop(),
            this::onUnsolicited);
    filter = f;
    f.requestHeaders(
        headers,
        body.length == 0 && !oversized && !bodyPending,
        step -> {
          if (done) {
            return;
          }
          switch (step) {
            case Step.Stop s -> extProcReply(s.outcome());
            case Step.Continue c -> {
              boolean cleared = c.clearRouteCache();
              if (oversized) {
                payloadTooLarge();
                return;
              }
              if (c.body() == null
                  && deferUntilBody(() -> afterRequestHeaders(f, c.clearRouteCache(), null))) {
                return;
              }
              if (c.body() != null) {
                body = c.body();
              }
              if (body.length == 0 || c.body() != null) {
                routeAndForward(cleared);
              } else {
                requestBody(f, cleared);
              }
            }
          }
        });
  }

  /** The request-headers answer was Continue and the body is now complete. */
  private void afterRequestHeaders(ExtProcFilter f, boolean cleared, byte @Nullable [] replaced) {
    if (oversized) {
      payloadTooLarge();
      return;
    }
    if (replaced != null) {
      body = replaced;
    }
    if (body.length == 0 || replaced != null) {
      routeAndForward(cleared);
    } else {
      requestBody(f, cleared);
    }
  }

  private void requestBody(ExtProcFilter f, boolean clearedBefore) {
    f.requestBody(
        headers,
        body,
        step -> {
          if (done) {
            return;
          }
          switch (step) {
            case Step.Stop s -> extProcReply(s.outcome());
            case Step.Continue c -> {
              if (c.body() != null) {
                body = c.body();
              }
              routeAndForward(clearedBefore || c.clearRouteCache());
            }
          }
        });
  }

  private void payloadTooLarge() {
    localReply(
        413, "Payload Too Large".getBytes(StandardCharsets.UTF_8), "request_payload_too_large");
  }

  private String peerAddress() {
    var remote = ctx.channel().remoteAddress();
    if (remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "";
  }

  /** HCM stream_idle_timeout, replaced by the route's idle_timeout once routed (0: off). */
  private void startIdleTimer(Duration timeout) {
    idleTimeout = timeout;
    restartIdleTimer();
  }

  private void restartIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (!idleTimeout.isZero() && !done) {
      idleTimer =
          ctx.channel()
              .eventLoop()
              .schedule(this::onIdleTimeout, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** conn_manager_impl.cc onIdleTimeout: 408 before response headers, a reset after. */
  private void onIdleTimeout() {
    idleTimer = null;
    if (done) {
      return;
    }
    if (relay != null && relay.headersSentDownstream()) {
      reset();
    } else {
      localReply(408, "stream timeout".getBytes(StandardCharsets.UTF_8), "stream_idle_timeout");
    }
  }

  /** router.cc onStreamMaxDurationReached: 408 before response headers, a reset after. */
  private void onMaxStreamDuration() {
    maxDurationTimer = null;
    if (done) {
      return;
    }
    abortUpstream();
    if (relay != null && relay.headersSentDownstream()) {
      reset();
    } else {
      localReply(
          408,
          "upstream max stream duration reached".getBytes(StandardCharsets.UTF_8),
          "upstream_max_stream_duration_reached");
    }
  }

  private void routeAndForward(boolean routeCleared) {
    if (routeCleared) {
      route = view.routes().match(headers);
    }
    Route r = route;
    if (r == null) {
      localReply(404, new byte[0], "route_not_found");
      return;
    }
    RouteAction.apply(r.requestHeadersToAdd(), headers);
    switch (r.action()) {
      case RouteAction.Direct d -> localReply(d.status(), d.body(), "direct_response");
      case RouteAction.Forward fw -> forward(fw);
    }
  }

  private void forward(RouteAction.Forward fw) {
    ClusterSpec cluster = view.clusters().get(fw.cluster());
    if (cluster == null) {
      localReply(503, new byte[0], "cluster_not_found");
      return;
    }
    if (route != null) {
      for (String name : route.requestHeadersToRemove()) {
        headers.remove(name);
      }
    }
    if (fw.idleTimeout() != null) {
      startIdleTimer(fw.idleTimeout());
    }
    if (!fw.maxStreamDuration().isZero()) {
      maxDurationTimer =
          ctx.channel()
              .eventLoop()
              .schedule(
                  this::onMaxStreamDuration,
                  fw.maxStreamDuration().toNanos(),
                  TimeUnit.NANOSECONDS);
    }
    if (fw.hostRewrite() != null) {
      headers.set(":authority", fw.hostRewrite());
    }
    if (fw.prefixRewrite() != null && route != null && route.prefix() != null) {
      String p = headers.get(":path");
      if (p != null && p.startsWith(route.prefix())) {
        headers.set(":path", fw.prefixRewrite() + p.substring(route.prefix().length()));
      }
    }
    if (!fw.timeout().isZero()) {
      if (!view.listener().downstream().suppressEnvoyHeaders()) {
        headers.set("x-envoy-expected-rq-timeout-ms", Long.toString(fw.timeout().toMillis()));
      }
      routeTimer =
          ctx.channel()
              .eventLoop()
              .schedule(this::onRouteTimeout, fw.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    relay = newRelay();
    upstreamStartNanos = System.nanoTime();
    if (Attempts.needed(cluster, fw)) {
      // Priorities, retries, outlier detection or an upstream filter chain (issue 19).
      Attempts attempts =
          new Attempts(
              ctx.channel().eventLoop(),
              services,
              cluster,
              fw,
              headers,
              body,
              headRequest,
              name -> view.clusters().get(name),
              this);
      upstreamCall = attempts;
      attempts.start();
      return;
    }
    upstreamCall =
        services
            .upstream()
            .send(
                ctx.channel().eventLoop(),
                cluster,
                HttpMessages.toUpstream(headers, body.length),
                body,
                this);
  }

  private ResponseRelay newRelay() {
    return new ResponseRelay(
        ctx, filter, view.listener().bufferLimitBytes(), headRequest, relayCallbacks);
  }

  private final ResponseRelay.Callbacks relayCallbacks =
      new ResponseRelay.Callbacks() {
        @Override
        public void finished(boolean ok) {
          finish(ok);
        }

        @Override
        public void stopped(Outcome outcome) {
          extProcReply(outcome);
        }

        @Override
        public void abortUpstream() {
          Exchange.this.abortUpstream();
        }

        @Override
        public void beforeDownstreamHeaders(HeaderList h) {
          view.listener().downstream().mutateResponse(h, headers.get("x-request-id"));
        }

        @Override
        public void activity() {
          restartIdleTimer();
        }

        @Override
        public boolean closesConnection() {
          return oversized || bodyPending;
        }
      };

  @Override
  public void onResponseHeaders(HttpResponse response) {
    if (done || relay == null) {
      return;
    }
    restartIdleTimer();
    HeaderList h = HttpMessages.responseHeaders(response);
    if (route != null) {
      // The router removes, then adds, as the upstream headers arrive, before encoder filters.
      for (String name : route.responseHeadersToRemove()) {
        h.remove(name);
      }
      RouteAction.apply(route.responseHeadersToAdd(), h);
    }
    if (!view.listener().downstream().suppressEnvoyHeaders()) {
      h.set(
          "x-envoy-upstream-service-time",
          Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upstreamStartNanos)));
    }
    int code = response.status().code();
    boolean bodyless =
        headRequest || code == 204 || code == 304 || HttpUtil.getContentLength(response, -1L) == 0;
    relay.onHeaders(h, bodyless);
  }

  @Override
  public void onResponseContent(byte[] chunk, boolean last) {
    if (last) {
      upstreamDone = true;
      cancelRouteTimer();
    }
    if (!done && relay != null) {
      relay.onContent(chunk, last);
    }
  }

  @Override
  public void onUpstreamError(Throwable cause, boolean headersReceived) {
    upstreamDone = true;
    cancelRouteTimer();
    if (done) {
      return;
    }
    log.debug("upstream error: {}", cause.toString());
    if (headersReceived) {
      reset();
      return;
    }
    String reason =
        cause instanceof UpstreamClient.NoHealthyUpstream
            ? "no healthy upstream"
            : "upstream connect error or disconnect/reset before headers. reset reason: "
                + (cause instanceof java.net.ConnectException
                        || cause instanceof io.netty.channel.ConnectTimeoutException
                    ? "connection failure"
                    : "connection termination");
    localReply(
        503, reason.getBytes(StandardCharsets.UTF_8), "upstream_reset_before_response_started");
  }

  @Override
  public void perTryTimeout() {
    upstreamDone = true;
    cancelRouteTimer();
    if (!done) {
      localReply(
          504,
          "upstream request timeout".getBytes(StandardCharsets.UTF_8),
          "upstream_per_try_timeout");
    }
  }

  /**
   * A local reply from the upstream ext_proc: Envoy sends it through the downstream filter manager
   * (UpstreamFilterManager::sendLocalReply), so the router-level ext_proc processes it like any
   * response; it is never retried.
   */
  @Override
  public void upstreamFilterReply(Outcome outcome) {
    upstreamDone = true;
    cancelRouteTimer();
    if (done) {
      return;
    }
    if (relay != null && relay.headersSentDownstream()) {
      reset();
      return;
    }
    HeaderList h;
    byte[] replyBody;
    switch (outcome) {
      case Outcome.Immediate i -> {
        h = i.headers();
        h.set(":status", Integer.toString(i.status()));
        replyBody = i.body();
        if (replyBody.length > 0 && !h.contains("content-type")) {
          h.add("content-type", "text/plain");
        }
      }
      case Outcome.Failure f -> {
        log.debug("upstream ext_proc failure: {} {}", f.status(), f.details());
        h = new HeaderList();
        h.add(":status", Integer.toString(f.status()));
        replyBody = new byte[0];
      }
      case Outcome.Reply r -> throw new IllegalStateException("not a local reply");
      case Outcome.Passthrough p -> throw new IllegalStateException("not a local reply");
    }
    h.set("content-length", Integer.toString(replyBody.length));
    if (relay != null) {
      relay.discard();
    }
    relay = newRelay();
    relay.onHeaders(h, replyBody.length == 0);
    relay.onContent(replyBody, true);
  }

  private void onRouteTimeout() {
    if (done || upstreamDone) {
      return;
    }
    abortUpstream();
    if (relay != null && relay.headersSentDownstream()) {
      reset();
    } else if (relay != null && relay.headersReceived()) {
      reset();
    } else {
      localReply(
          504,
          "upstream request timeout".getBytes(StandardCharsets.UTF_8),
          "upstream_response_timeout");
    }
  }

  /** A reply made by the proxy itself; it goes through the ext_proc response phases. */
  private void localReply(int status, byte[] replyBody, String details) {
    log.debug("local reply {} ({})", status, details);
    abortUpstream();
    HeaderList h = new HeaderList();
    h.add(":status", Integer.toString(status));
    if (replyBody.length > 0) {
      h.add("content-type", "text/plain");
    }
    h.add("content-length", Integer.toString(replyBody.length));
    if (route != null) {
      for (String name : route.responseHeadersToRemove()) {
        h.remove(name);
      }
      RouteAction.apply(route.responseHeadersToAdd(), h);
    }
    relay = newRelay();
    relay.onHeaders(h, replyBody.length == 0);
    relay.onContent(replyBody, true);
  }

  /** A reply caused by ext_proc itself (immediate response or failure): not processed again. */
  private void extProcReply(Outcome outcome) {
    abortUpstream();
    if (relay != null && relay.headersSentDownstream()) {
      reset();
      return;
    }
    HeaderList h;
    byte[] replyBody;
    switch (outcome) {
      case Outcome.Immediate i -> {
        h = i.headers();
        h.set(":status", Integer.toString(i.status()));
        replyBody = i.body();
        if (replyBody.length > 0 && !h.contains("content-type")) {
          h.add("content-type", "text/plain");
        }
      }
      case Outcome.Failure f -> {
        log.debug("ext_proc failure: {} {}", f.status(), f.details());
        h = new HeaderList();
        h.add(":status", Integer.toString(f.status()));
        replyBody = new byte[0];
      }
      case Outcome.Reply r -> throw new IllegalStateException("not a local reply");
      case Outcome.Passthrough p -> throw new IllegalStateException("not a local reply");
    }
    h.set("content-length", Integer.toString(replyBody.length));
    if (relay != null) {
      relay.discard();
    }
    relay = new ResponseRelay(ctx, null, Long.MAX_VALUE, headRequest, relayCallbacks);
    relay.onHeaders(h, replyBody.length == 0);
    relay.onContent(replyBody, true);
  }

  private void onUnsolicited(Outcome outcome) {
    if (!done) {
      extProcReply(outcome);
    }
  }

  /** Relays route a failure after response headers went out here; also used by the relay. */
  private void reset() {
    if (done) {
      return;
    }
    done = true;
    cancelStreamTimers();
    abortUpstream();
    if (filter != null) {
      filter.cancel();
    }
    ctx.channel().close();
    record("reset");
    onDone.run();
  }

  private void finish(boolean ok) {
    if (done) {
      return;
    }
    if (!ok) {
      reset();
      return;
    }
    done = true;
    cancelRouteTimer();
    cancelStreamTimers();
    if (filter != null) {
      filter.finish();
    }
    if (oversized || bodyPending) {
      // The rest of the body was never read: this connection cannot carry another request.
      ctx.channel().close();
    }
    record("complete");
    onDone.run();
  }

  /** The downstream connection went away. */
  void abort() {
    if (done) {
      return;
    }
    done = true;
    cancelStreamTimers();
    abortUpstream();
    if (filter != null) {
      filter.cancel();
    }
  }

  private void abortUpstream() {
    cancelRouteTimer();
    if (upstreamCall != null && !upstreamDone) {
      upstreamDone = true;
      upstreamCall.abort();
    }
  }

  private void cancelRouteTimer() {
    if (routeTimer != null) {
      routeTimer.cancel(false);
      routeTimer = null;
    }
    if (maxDurationTimer != null && upstreamDone) {
      maxDurationTimer.cancel(false);
      maxDurationTimer = null;
    }
  }

  private void cancelStreamTimers() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    if (maxDurationTimer != null) {
      maxDurationTimer.cancel(false);
      maxDurationTimer = null;
    }
  }

  private void record(String outcome) {
    var meters = services.meters();
    if (meters != null) {
      meters
          .timer("gateway.proxy.requests", "outcome", outcome)
          .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }
}
