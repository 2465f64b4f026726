package dev.aigateway.proxy.cluster;

import java.time.Duration;

/**
 * A cluster's outlier_detection as the proxy applies it: consecutive 5xx and consecutive gateway
 * failures (502, 503, 504, and connect failures, resets and timeouts, which Envoy counts as 503
 * while split_external_local_origin_errors is off) eject a host for base_ejection_time times the
 * number of times it was ejected, at most max(base_ejection_time, max_ejection_time).
 *
 * @param consecutive5xx 0: not enforced
 * @param consecutiveGatewayFailure 0: not enforced
 */
public record OutlierSpec(
    int consecutive5xx,
    int consecutiveGatewayFailure,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent) {}
