package dev.aigateway.dataplane.processor;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/**
 * One ext_proc stream's processor: the router-level point ({@link RouterProcessor}) or a
 * per-attempt one ({@link AttemptProcessor}). Not thread-safe: gRPC delivers one stream's messages
 * one at a time.
 */
sealed interface StreamProcessor permits RouterProcessor, AttemptProcessor {
  /**
   * What {@link #process} returns when the message needs work that may block (a quota check in the
   * database, a cloud token fetch): the caller runs {@link #processBlocking} with the same message
   * on a thread that may block.
   */
  ProcessingResponse DEFERRED = ProcessingResponse.getDefaultInstance();

  /**
   * Answers one message without blocking the calling thread, or returns {@link #DEFERRED}, having
   * changed nothing that the same message processed again would not set anew.
   */
  ProcessingResponse process(ProcessingRequest request);

  /** Answers one message, blocking for quota checks and credentials as needed. */
  ProcessingResponse processBlocking(ProcessingRequest request);

  /** The answer when processing threw: a 500 that says nothing about the request. */
  ProcessingResponse internalError();

  /** A 503 for a request the blocking pool had no room for. */
  ProcessingResponse overloaded();

  /** The gRPC stream ended; records what no response phase did. */
  void streamClosed();
}
