package dev.aigateway.dataplane.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.error.GatewayError;
import java.util.Map;

/**
 * Translates one request between the client's OpenAI API and one provider schema. Created per
 * request; it may keep that request's state (for example a partial streamed event).
 */
public interface Translator {

  /**
   * Turns the client's parsed body into the upstream request.
   *
   * @throws TranslationException when the request cannot be expressed for this provider
   */
  UpstreamRequest request(ObjectNode body, RequestContext context);

  /**
   * Called with the upstream response's status and content type; returns whether the body is a
   * stream of events (answered chunk by chunk) rather than one buffered body.
   */
  boolean startResponse(int status, String contentType);

  /**
   * {@link #startResponse(int, String)} with the response headers (lower-case names), for the
   * translators that read usage from a header (Bedrock's InvokeModel reports Cohere Embed token
   * counts only in {@code x-amzn-bedrock-input-token-count}).
   */
  default boolean startResponse(int status, String contentType, Map<String, String> headers) {
    return startResponse(status, contentType);
  }

  /**
   * Translates a buffered successful body, or one streamed chunk; reports usage once known (for
   * streams, at the end).
   */
  BodyResult responseBody(byte[] body, boolean endOfStream);

  /** Turns an upstream error body into OpenAI's error shape; returns null to pass it unchanged. */
  byte @org.jspecify.annotations.Nullable [] responseError(
      int status, String contentType, byte[] body);

  /** A request the provider cannot serve, surfaced to the client as a 400. */
  final class TranslationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient GatewayError error;

    public TranslationException(GatewayError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }

    public GatewayError error() {
      return error;
    }
  }
}
