package dev.aigateway.dataplane.admission;

import dev.aigateway.dataplane.usage.UsageRecord;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The quota pre-check, called after the model is resolved and before anything goes upstream. The
 * usage-limiting feature implements it; the default admits everything.
 */
@FunctionalInterface
public interface Admission {
  Admission ADMIT_ALL = request -> new AdmissionDecision.Admitted(AdmissionTicket.NONE);

  AdmissionDecision admit(AdmissionRequest request);

  /**
   * Decides without blocking the calling thread, or returns null when the decision needs a database
   * round trip; the caller then calls {@link #admit} on a thread that may block. The ext_proc
   * service answers on gRPC transport threads, so only this variant is called there.
   */
  default @Nullable AdmissionDecision tryAdmit(AdmissionRequest request) {
    return admit(request);
  }

  /**
   * Whether this request's {@link AdmissionRequest#estimatedInputTokens} is needed. Counting a 1 KB
   * prompt with jtokkit costs about 100 µs of CPU, several times the rest of the request's
   * processing (docs/benchmarks.md), so an implementation should say no when no token quota applies
   * to this key, team and model; the default (admit everything) never needs it and gets 0.
   */
  default boolean needsTokenEstimate(UUID keyId, UUID teamId, String model) {
    return this != ADMIT_ALL;
  }

  /**
   * The output limit to impose on a request that sets none, so that the provider is held to what
   * the quota reserved; null when no quota counts this request's output.
   */
  default @Nullable Long outputCeiling(UUID keyId, UUID teamId, String model) {
    return null;
  }

  /**
   * Charges one attempt's usage (its record's tokens, whatever their source) to every quota of its
   * key, team and model, and of its provider. The per-attempt processing point calls it for each
   * attempt that reached a provider, so an attempt that produced tokens is billed even if a later
   * one served the client; the router point's reservation is released separately. Must not block.
   */
  default void charge(UsageRecord attempt) {}

  /**
   * Whether a quota scoped to the provider named {@code provider} that counts attempts for {@code
   * model} has used its limit in its current window (as this replica knows the fleet's total), so
   * that its targets are skipped without a provider call; null when none has. Must not block.
   */
  default @Nullable ProviderExhaustion providerExhausted(String provider, String model) {
    return null;
  }
}
