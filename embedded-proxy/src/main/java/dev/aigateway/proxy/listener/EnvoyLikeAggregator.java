package dev.aigateway.proxy.listener;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates request bodies up to the listener's buffer limit. Above it, Netty would answer 413
 * itself before any filter saw the request; Envoy instead runs the decoder filters on the headers
 * and answers 413 through the encoder filters (filter_manager.cc requestDataTooLarge). So the
 * headers go on as an {@link Oversized} message and the rest of the body is dropped.
 */
final class EnvoyLikeAggregator extends HttpObjectAggregator {

  /** The headers of a request whose body is larger than the buffer limit. */
  record Oversized(HttpRequest request) {}

  /**
   * The headers of a request with a body, as soon as they are decoded (a user event, ahead of the
   * aggregated request): Envoy runs the decoder filters, the ext_proc's request_headers phase
   * included, on headers before the body has arrived (issue 14 item 8), so a keyless request is
   * refused without the body being read.
   */
  record HeadersFirst(HttpRequest request) {}

  EnvoyLikeAggregator(int maxContentLength) {
    super(maxContentLength);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest request
        && !(msg instanceof io.netty.handler.codec.http.FullHttpRequest)
        && (HttpUtil.getContentLength(request, 0L) > 0
            || HttpUtil.isTransferEncodingChunked(request))) {
      var copy =
          new io.netty.handler.codec.http.DefaultHttpRequest(
              request.protocolVersion(), request.method(), request.uri(), request.headers().copy());
      ctx.fireUserEventTriggered(new HeadersFirst(copy));
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (oversized instanceof HttpRequest request) {
      // No 100-continue for a body that will not be read.
      HttpUtil.set100ContinueExpected(request, false);
      ctx.fireChannelRead(new Oversized(request));
    } else {
      ctx.close();
    }
  }
}
