package dev.aigateway.dataplane.admission;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.GatewayError;

/** The outcome of a quota pre-check. */
public sealed interface AdmissionDecision {

  /** Go ahead; the ticket is told how the request ended. */
  record Admitted(AdmissionTicket ticket) implements AdmissionDecision {
    public Admitted {
      requireNonNull(ticket, "ticket");
    }
  }

  /** Refuse with this error (usually 429 with {@code retry-after} / {@code x-ratelimit-*}). */
  record Rejected(GatewayError error) implements AdmissionDecision {
    public Rejected {
      requireNonNull(error, "error");
    }
  }
}
