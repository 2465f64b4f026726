package dev.aigateway.dataplane.usage;

/** Where a request's token counts came from, which decides how a quota reservation settles. */
public enum UsageSource {
  /** The provider reported usage. */
  REPORTED,
  /**
   * The provider reported none: the delivered text was counted (jtokkit) and the prompt estimated.
   */
  COUNTED,
  /**
   * Nothing is known, but the provider may have served the request (the client hung up after it was
   * forwarded): the reservation is the charge.
   */
  RESERVED,
  /** No usage: the request never reached a provider, or the provider refused it. */
  NONE
}
