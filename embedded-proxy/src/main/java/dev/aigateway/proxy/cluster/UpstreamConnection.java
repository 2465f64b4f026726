package dev.aigateway.proxy.cluster;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** The last handler of a pooled upstream HTTP/1.1 connection: feeds the current listener. */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

  interface Releaser {
    void release(Channel channel, boolean reusable);
  }

  private final Releaser releaser;
  private @Nullable UpstreamListener listener;
  private boolean headersReceived;
  private boolean keepAlive;

  UpstreamConnection(Releaser releaser) {
    this.releaser = releaser;
  }

  void bind(UpstreamListener l) {
    listener = l;
    headersReceived = false;
  }

  /** Detaches the listener, e.g. after a timeout; the connection is closed, not reused. */
  void abandon(Channel ch) {
    listener = null;
    ch.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      UpstreamListener l = listener;
      if (l == null) {
        return;
      }
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
          return; // Informational responses are not forwarded.
        }
        if (!response.decoderResult().isSuccess()) {
          fail(ctx.channel(), new IOException("invalid upstream response"));
          return;
        }
        headersReceived = true;
        keepAlive = HttpUtil.isKeepAlive(response);
        l.onResponseHeaders(response);
      }
      if (msg instanceof HttpContent content && headersReceived) {
        boolean last = msg instanceof LastHttpContent;
        byte[] bytes = ByteBufUtil.getBytes(content.content());
        if (last) {
          listener = null;
          releaser.release(ctx.channel(), keepAlive);
        }
        l.onResponseContent(bytes, last);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx.channel(), new IOException("upstream connection closed"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx.channel(), cause);
  }

  private void fail(Channel ch, Throwable cause) {
    UpstreamListener l = listener;
    listener = null;
    ch.close();
    if (l != null) {
      l.onUpstreamError(cause, headersReceived);
    }
  }
}
