package dev.aigateway.proxy.extproc;

import org.jspecify.annotations.Nullable;

/** The result of one ext_proc phase for the request exchange. */
public sealed interface Step {

  /**
   * Go on. {@code body} is the (possibly replaced) body or chunk, null when the phase does not
   * touch the body; {@code clearRouteCache} asks the router to match again.
   */
  record Continue(@Nullable byte[] body, boolean clearRouteCache) implements Step {}

  /** Stop and send a local reply ({@link Outcome.Immediate} or {@link Outcome.Failure}). */
  record Stop(Outcome outcome) implements Step {}
}
