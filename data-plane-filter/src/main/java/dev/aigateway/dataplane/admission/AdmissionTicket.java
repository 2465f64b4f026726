package dev.aigateway.dataplane.admission;

import dev.aigateway.dataplane.usage.UsageRecord;
import java.util.Map;

/**
 * An admitted request's link back to the quota that let it through. Exactly one of {@link #settle}
 * or {@link #release} is called, once.
 */
public interface AdmissionTicket {
  AdmissionTicket NONE = new AdmissionTicket() {};

  /** Headers to add to the client's response, such as {@code x-ratelimit-remaining-tokens}. */
  default Map<String, String> responseHeaders() {
    return Map.of();
  }

  /** The request finished with a response; {@code record} holds the actual usage. */
  default void settle(UsageRecord record) {}

  /** The exchange broke before a response (client went away, upstream reset, ext_proc error). */
  default void release(UsageRecord record) {}
}
