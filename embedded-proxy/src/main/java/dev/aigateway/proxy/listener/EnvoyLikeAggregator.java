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

  EnvoyLikeAggregator(int maxContentLength) {
    super(maxContentLength);
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
