package dev.aigateway.controlplane.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a request line or headers too long, a malformed request) in the admin API's
 * error shape, RFC 9457 problem+json, instead of Jetty's HTML page: they happen before any route
 * runs, so the admin API's error mapping never sees them. Found by AdminApiFuzzTest (a 70,000
 * character query value got {@code 414 text/html}).
 */
final class ProblemErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String title = HttpStatus.getMessage(code);
    String body =
        "{\"type\":\"about:blank\",\"title\":\""
            + title
            + "\",\"status\":"
            + code
            + ",\"detail\":\"the request was refused before it reached the API\"}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    SecurityHeaders.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
