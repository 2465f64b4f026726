package dev.aigateway.proxy.listener;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downstream HTTP/1.1 connection handler: one exchange at a time (reads pause while a request is in
 * flight, so pipelined requests wait their turn), each with the config current at its start.
 */
final class ProxyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

  private final ListenerRuntime runtime;
  private final ProxyServices services;
  private @Nullable Exchange current;

  ProxyHandler(ListenerRuntime runtime, ProxyServices services) {
    this.runtime = runtime;
    this.services = services;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
      resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    Exchange e = current;
    if (e != null && e.awaitingBody()) {
      // The exchange started at the headers (HeadersFirst): here is its body.
      ctx.channel().config().setAutoRead(false);
      e.bodyArrived(io.netty.buffer.ByteBufUtil.getBytes(request.content()));
      return;
    }
    begin(ctx, onDone -> new Exchange(ctx, runtime.view(), services, request, onDone));
  }

  /** Starts one exchange; reads pause until it is done. */
  private void begin(
      ChannelHandlerContext ctx, java.util.function.Function<Runnable, Exchange> create) {
    ctx.channel().config().setAutoRead(false);
    runtime.requestStarted();
    Exchange[] self = new Exchange[1];
    self[0] =
        create.apply(
            () -> {
              if (current == self[0]) {
                current = null;
              }
              runtime.requestEnded();
              ctx.channel().config().setAutoRead(true);
            });
    current = self[0];
    self[0].start();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof EnvoyLikeAggregator.Oversized oversized) {
      Exchange e = current;
      if (e != null && e.awaitingBody()) {
        e.bodyOversized();
        return;
      }
      begin(
          ctx, onDone -> new Exchange(ctx, runtime.view(), services, oversized.request(), onDone));
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange e = current;
    if (e != null) {
      current = null;
      e.abort();
      runtime.requestEnded();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof EnvoyLikeAggregator.HeadersFirst first) {
      // Reads pause until the ext_proc answers the headers; the exchange resumes them to read
      // the body only if the request may go on.
      begin(
          ctx,
          onDone -> new Exchange(ctx, runtime.view(), services, first.request(), onDone, true));
      return;
    }
    if (evt instanceof IdleStateEvent && current == null) {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException
        || cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
      // The client reset, broke or closed the connection (also in the middle of a request):
      // routine.
      log.debug("downstream connection error: {}", cause.toString());
    } else {
      // A defect: the client's request ends without an answer. Say so, with where it happened.
      log.warn("closing a downstream connection on an unexpected error", cause);
    }
    ctx.close();
  }
}
