package dev.aigateway.dataplane.processor;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/** The outcome of one processing phase: go on with its value, or answer Envoy now. */
sealed interface Phase<T> {
  record Next<T>(T value) implements Phase<T> {}

  record Stop<T>(ProcessingResponse answer) implements Phase<T> {}
}
