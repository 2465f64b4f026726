package dev.aigateway.proxy.listener;

import dev.aigateway.proxy.http.HeaderList;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import java.util.Set;

/** Converts between Netty HTTP/1.1 messages and Envoy-style header lists. */
final class HttpMessages {

  /** Hop-by-hop headers, never forwarded (RFC 9110 section 7.6.1, as Envoy's codec does). */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "upgrade",
          "te",
          "trailer",
          "host");

  private HttpMessages() {}

  static HeaderList requestHeaders(HttpRequest req) {
    HeaderList h = new HeaderList();
    h.add(":method", req.method().name());
    String uri = req.uri();
    String authority = req.headers().get(HttpHeaderNames.HOST, "");
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      // Absolute form: the authority comes from the URI.
      int start = uri.indexOf("//") + 2;
      int slash = uri.indexOf('/', start);
      authority = slash < 0 ? uri.substring(start) : uri.substring(start, slash);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    h.add(":path", uri);
    h.add(":scheme", "http");
    h.add(":authority", authority);
    for (Map.Entry<String, String> e : req.headers()) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!HOP_BY_HOP.contains(name)) {
        h.add(name, e.getValue());
      }
    }
    return h;
  }

  static HeaderList responseHeaders(HttpResponse resp) {
    HeaderList h = new HeaderList();
    h.add(":status", Integer.toString(resp.status().code()));
    for (Map.Entry<String, String> e : resp.headers()) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!HOP_BY_HOP.contains(name)) {
        h.add(name, e.getValue());
      }
    }
    return h;
  }

  /** The upstream request; adds chunked framing when a body has no content-length. */
  static HttpRequest toUpstream(HeaderList h, int bodyLength) {
    HttpRequest req =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(value(h, ":method", "GET")),
            value(h, ":path", "/"));
    req.headers().set(HttpHeaderNames.HOST, value(h, ":authority", ""));
    copyRegular(h, req.headers());
    frame(req.headers(), bodyLength);
    return req;
  }

  /** The downstream response head; chunked when there is no content-length. */
  static HttpResponse toDownstream(HeaderList h, boolean bodyless) {
    int status;
    try {
      status = Integer.parseInt(value(h, ":status", "200"));
    } catch (NumberFormatException e) {
      status = 500;
    }
    HttpResponse resp =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    copyRegular(h, resp.headers());
    if (!bodyless && !resp.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      resp.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return resp;
  }

  private static void frame(io.netty.handler.codec.http.HttpHeaders out, int bodyLength) {
    if (bodyLength > 0 && !out.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  private static void copyRegular(HeaderList h, io.netty.handler.codec.http.HttpHeaders out) {
    for (HeaderList.Header e : h.all()) {
      if (!e.name().startsWith(":") && !HOP_BY_HOP.contains(e.name())) {
        out.add(e.name(), e.value());
      }
    }
  }

  private static String value(HeaderList h, String name, String fallback) {
    String v = h.get(name);
    return v == null ? fallback : v;
  }
}
