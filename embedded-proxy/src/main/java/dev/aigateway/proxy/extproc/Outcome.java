package dev.aigateway.proxy.extproc;

import dev.aigateway.proxy.http.HeaderList;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/** What happened to one ext_proc message: the processor's answer or how the exchange ended. */
public sealed interface Outcome {

  /** The processor answered with the expected oneof. */
  record Reply(ProcessingResponse response) implements Outcome {}

  /** The processor is out of the picture (OK close, or failure_mode_allow): continue unchanged. */
  record Passthrough() implements Outcome {}

  /** The processor asked for a local reply. */
  record Immediate(int status, HeaderList headers, byte[] body, String details)
      implements Outcome {}

  /** The request fails with a local reply, e.g. 504 on message timeout or 500 on gRPC error. */
  record Failure(int status, String details) implements Outcome {}
}
