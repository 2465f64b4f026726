package dev.aigateway.proxy.cluster;

import io.netty.handler.codec.http.HttpResponse;

/** Receives one upstream response on the event loop of the request. */
public interface UpstreamListener {

  void onResponseHeaders(HttpResponse response);

  /** A body chunk (possibly empty); {@code last} marks the end of the response. */
  void onResponseContent(byte[] chunk, boolean last);

  /** Connect failure, reset or protocol error; {@code headersReceived} tells which side. */
  void onUpstreamError(Throwable cause, boolean headersReceived);
}
