package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.extproc.ExtProcFilter;
import dev.aigateway.proxy.extproc.Outcome;
import dev.aigateway.proxy.extproc.Step;
import dev.aigateway.proxy.http.HeaderList;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The response side of one exchange: the ext_proc response phases, then the downstream writes.
 * Buffers only in BUFFERED mode; in STREAMED and NONE modes every chunk goes out as it comes.
 */
final class ResponseRelay {

  private enum State {
    AWAIT_HEADERS_ANSWER,
    PASSTHROUGH,
    BUFFERING,
    STREAMING,
    DONE
  }

  /** Where processed response headers and chunks go: downstream, or to the router's retry check. */
  interface Sink {
    void head(HeaderList headers, boolean noBody);

    void chunk(byte[] chunk, boolean last);
  }

  /** What the relay reports back to its exchange. */
  interface Callbacks {
    /** The response is complete ({@code ok}) or must be reset. */
    void finished(boolean ok);

    /** ext_proc stopped the response with a local reply or failure. */
    void stopped(Outcome outcome);

    void abortUpstream();

    /** Last header changes before the headers go downstream (the HCM's, after all filters). */
    default void beforeDownstreamHeaders(HeaderList headers) {}

    /** Response data moved: restarts the stream idle timer. */
    default void activity() {}

    /**
     * Whether the connection closes after this response (the request was not read to its end).
     * Envoy's HCM then sends {@code connection: close} on HTTP/1 (conn_manager_impl.cc,
     * encodeHeaders with drain state Closing), so a client does not send its next request on a
     * closing socket.
     */
    default boolean closesConnection() {
      return false;
    }
  }

  private final Sink sink;
  private final @Nullable ExtProcFilter filter;
  private final long bufferLimit;
  private final boolean headRequest;
  private final Callbacks callbacks;
  private final List<byte[]> early = new ArrayList<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private State state = State.AWAIT_HEADERS_ANSWER;
  private @Nullable HeaderList headers;
  private boolean bodyless;
  private boolean complete;
  private boolean headersReceived;
  private boolean headersSent;

  ResponseRelay(
      ChannelHandlerContext ctx,
      @Nullable ExtProcFilter filter,
      long bufferLimit,
      boolean headRequest,
      Callbacks callbacks) {
    this(downstream(ctx, headRequest, callbacks), filter, bufferLimit, headRequest, callbacks);
  }

  /** A relay whose output goes to {@code sink} instead of the downstream connection. */
  ResponseRelay(
      Sink sink,
      @Nullable ExtProcFilter filter,
      long bufferLimit,
      boolean headRequest,
      Callbacks callbacks) {
    this.sink = sink;
    this.filter = filter;
    this.bufferLimit = bufferLimit;
    this.headRequest = headRequest;
    this.callbacks = callbacks;
  }

  boolean headersReceived() {
    return headersReceived;
  }

  boolean headersSentDownstream() {
    return headersSent;
  }

  /** Stops reacting to anything: another reply replaces this one. */
  void discard() {
    state = State.DONE;
  }

  void onHeaders(HeaderList h, boolean noBody) {
    headers = h;
    bodyless = noBody;
    headersReceived = true;
    if (filter == null) {
      afterHeaders(ExtProcFilter.BodyHandling.NONE, null);
      return;
    }
    filter.responseHeaders(
        h,
        noBody,
        step -> {
          if (state == State.DONE) {
            return;
          }
          switch (step) {
            case Step.Stop s -> stop(s.outcome());
            case Step.Continue c -> afterHeaders(filter.responseBodyHandling(), c.body());
          }
        });
  }

  void onContent(byte[] chunk, boolean last) {
    callbacks.activity();
    switch (state) {
      case AWAIT_HEADERS_ANSWER -> {
        if (chunk.length > 0) {
          early.add(chunk);
        }
        complete = last;
      }
      case PASSTHROUGH -> {
        complete = last;
        writeChunk(chunk, last);
        if (last) {
          done(true);
        }
      }
      case BUFFERING -> {
        buffer.writeBytes(chunk);
        complete = last;
        if (buffer.size() > bufferLimit) {
          callbacks.abortUpstream();
          // Envoy: over the buffer limit before response headers went out -> 500.
          stop(new Outcome.Failure(500, "response_payload_too_large"));
        } else if (last) {
          processBuffered();
        }
      }
      case STREAMING -> {
        complete = last;
        streamChunk(chunk, last);
      }
      case DONE -> {}
    }
  }

  private void afterHeaders(ExtProcFilter.BodyHandling handling, byte @Nullable [] replacedBody) {
    HeaderList h = headers;
    if (replacedBody != null) {
      // CONTINUE_AND_REPLACE with a body: the upstream body is discarded.
      callbacks.abortUpstream();
      writeHead(h, replacedBody.length == 0);
      writeChunk(replacedBody, true);
      done(true);
      return;
    }
    if (bodyless) {
      writeHead(h, true);
      writeChunk(new byte[0], true);
      done(true);
      return;
    }
    switch (handling) {
      case NONE -> {
        state = State.PASSTHROUGH;
        writeHead(h, false);
        flushEarlyAsPassthrough();
      }
      case BUFFERED -> {
        state = State.BUFFERING;
        early.forEach(buffer::writeBytes);
        early.clear();
        if (buffer.size() > bufferLimit) {
          callbacks.abortUpstream();
          stop(new Outcome.Failure(500, "response_payload_too_large"));
        } else if (complete) {
          processBuffered();
        }
      }
      case STREAMED -> {
        state = State.STREAMING;
        writeHead(h, false);
        if (!early.isEmpty() || complete) {
          // Body that came before the headers answer goes out as one chunk.
          ByteArrayOutputStream joined = new ByteArrayOutputStream();
          early.forEach(joined::writeBytes);
          early.clear();
          streamChunk(joined.toByteArray(), complete);
        }
      }
    }
  }

  private void flushEarlyAsPassthrough() {
    for (byte[] c : early) {
      writeChunk(c, false);
    }
    early.clear();
    if (complete) {
      writeChunk(new byte[0], true);
      done(true);
    }
  }

  private void processBuffered() {
    byte[] body = buffer.toByteArray();
    filter.responseBody(
        headers,
        body,
        step -> {
          if (state == State.DONE) {
            return;
          }
          switch (step) {
            case Step.Stop s -> stop(s.outcome());
            case Step.Continue c -> {
              byte[] out = c.body() == null ? body : c.body();
              writeHead(headers, false);
              writeChunk(out, true);
              done(true);
            }
          }
        });
  }

  private void streamChunk(byte[] chunk, boolean last) {
    filter.responseChunk(
        chunk,
        last,
        step -> {
          if (state == State.DONE) {
            return;
          }
          switch (step) {
            case Step.Stop s -> stop(s.outcome());
            case Step.Continue c -> {
              writeChunk(c.body() == null ? chunk : c.body(), last);
              if (last) {
                done(true);
              }
            }
          }
        });
  }

  private void stop(Outcome outcome) {
    state = State.DONE;
    callbacks.stopped(outcome);
  }

  private void writeHead(HeaderList h, boolean noBody) {
    headersSent = true;
    callbacks.beforeDownstreamHeaders(h);
    sink.head(h, noBody);
  }

  private void writeChunk(byte[] chunk, boolean last) {
    sink.chunk(chunk, last);
  }

  private static Sink downstream(
      ChannelHandlerContext ctx, boolean headRequest, Callbacks callbacks) {
    return new Sink() {
      @Override
      public void head(HeaderList h, boolean noBody) {
        HttpResponse response = HttpMessages.toDownstream(h, noBody);
        if (callbacks.closesConnection()) {
          HttpUtil.setKeepAlive(response, false);
        }
        ctx.write(response);
      }

      @Override
      public void chunk(byte[] chunk, boolean last) {
        if (headRequest) {
          if (last) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          }
          return;
        }
        if (last) {
          ctx.writeAndFlush(
              chunk.length == 0
                  ? LastHttpContent.EMPTY_LAST_CONTENT
                  : new DefaultLastHttpContent(Unpooled.wrappedBuffer(chunk)));
        } else if (chunk.length > 0) {
          ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
        }
      }
    };
  }

  private void done(boolean ok) {
    state = State.DONE;
    callbacks.finished(ok);
  }
}
