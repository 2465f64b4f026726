package dev.aigateway.proxy.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The HttpConnectionManager's timers for clients that send slowly, as Envoy applies them: {@code
 * request_headers_timeout} runs from the first byte of a request's headers until their last byte,
 * {@code request_timeout} from the request's headers until its whole body has arrived (Envoy
 * disarms it once the request is sent upstream; here the body is complete before any filter runs,
 * so "received" is the same point). When one fires the client gets Envoy's 408 and the connection
 * is closed, so a client trickling bytes cannot hold a connection and its buffer forever. An idle
 * keep-alive connection is not affected: only bytes start the headers timer.
 */
final class SlowClientGuard {
  private static final byte[] TIMEOUT_RESPONSE =
      ("HTTP/1.1 408 Request Timeout\r\ncontent-length: 15\r\ncontent-type: text/plain\r\n"
              + "connection: close\r\n\r\nrequest timeout")
          .getBytes(StandardCharsets.US_ASCII);

  private final long headersMillis;
  private final long requestMillis;
  private boolean inRequest;
  private @Nullable ScheduledFuture<?> headersTimer;
  private @Nullable ScheduledFuture<?> requestTimer;
  private @Nullable ChannelHandlerContext raw;

  SlowClientGuard(Duration headersTimeout, Duration requestTimeout) {
    this.headersMillis = headersTimeout.toMillis();
    this.requestMillis = requestTimeout.toMillis();
  }

  /** Goes before the HTTP codec: sees the raw bytes. */
  ChannelInboundHandlerAdapter bytes() {
    return new ChannelDuplexHandler() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        raw = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf
            && buf.isReadable()
            && !inRequest
            && headersTimer == null
            && headersMillis > 0) {
          headersTimer =
              ctx.executor().schedule(() -> expire(), headersMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        cancelAll();
        ctx.fireChannelInactive();
      }
    };
  }

  /** Goes after the HTTP codec, before the aggregator: sees where headers and bodies end. */
  ChannelInboundHandlerAdapter messages() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          cancelHeaders();
          inRequest = true;
          if (requestMillis > 0) {
            requestTimer =
                ctx.executor().schedule(() -> expire(), requestMillis, TimeUnit.MILLISECONDS);
          }
        }
        if (msg instanceof LastHttpContent) {
          inRequest = false;
          if (requestTimer != null) {
            requestTimer.cancel(false);
            requestTimer = null;
          }
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  private void expire() {
    ChannelHandlerContext ctx = raw;
    cancelAll();
    if (ctx != null && ctx.channel().isActive()) {
      // Written below the codec: no request may have been decoded to answer.
      ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT_RESPONSE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void cancelHeaders() {
    if (headersTimer != null) {
      headersTimer.cancel(false);
      headersTimer = null;
    }
  }

  private void cancelAll() {
    cancelHeaders();
    if (requestTimer != null) {
      requestTimer.cancel(false);
      requestTimer = null;
    }
  }
}
