package dev.aigateway.dataplane.cooldown;

/**
 * Where the request path hands a target's cooldown for the rest of the fleet (and the control
 * plane, which publishes the target as DEGRADED to Envoy). Never blocks and never fails the
 * request: a notice that cannot be passed on is dropped, and the local cooldown applies anyway.
 */
@FunctionalInterface
public interface CooldownPublisher {
  /** Publishes nothing (no database, unit tests). */
  CooldownPublisher NONE = notice -> {};

  void publish(CooldownNotice notice);
}
