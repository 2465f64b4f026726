package dev.aigateway.dataplane.admission;

/**
 * The quota pre-check, called after the model is resolved and before anything goes upstream. The
 * usage-limiting feature implements it; the default admits everything.
 */
@FunctionalInterface
public interface Admission {
  Admission ADMIT_ALL = request -> new AdmissionDecision.Admitted(AdmissionTicket.NONE);

  AdmissionDecision admit(AdmissionRequest request);

  /**
   * Whether {@link AdmissionRequest#estimatedInputTokens} is needed; counting tokens costs CPU, so
   * the default (admit everything) skips it and passes 0.
   */
  default boolean needsTokenEstimate() {
    return this != ADMIT_ALL;
  }
}
