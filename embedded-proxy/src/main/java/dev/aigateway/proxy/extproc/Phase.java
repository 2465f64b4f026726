package dev.aigateway.proxy.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/** The answer an outstanding ext_proc message waits for. */
enum Phase {
  REQUEST_HEADERS,
  REQUEST_BODY,
  RESPONSE_HEADERS,
  RESPONSE_BODY;

  boolean answeredBy(ProcessingResponse r) {
    return switch (this) {
      case REQUEST_HEADERS -> r.hasRequestHeaders();
      case REQUEST_BODY -> r.hasRequestBody();
      case RESPONSE_HEADERS -> r.hasResponseHeaders();
      case RESPONSE_BODY -> r.hasResponseBody();
    };
  }

  boolean headers() {
    return this == REQUEST_HEADERS || this == RESPONSE_HEADERS;
  }
}
