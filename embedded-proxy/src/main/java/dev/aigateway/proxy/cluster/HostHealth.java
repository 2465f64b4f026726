package dev.aigateway.proxy.cluster;

/**
 * An endpoint's {@code health_status} from its LbEndpoint, as Envoy's host health flags see it
 * (upstream_impl.cc setEdsHealthFlag): DEGRADED takes load only when the healthy hosts of every
 * level cannot take it all; UNHEALTHY (and TIMEOUT) is as an ejected host.
 */
public enum HostHealth {
  HEALTHY,
  DEGRADED,
  UNHEALTHY
}
