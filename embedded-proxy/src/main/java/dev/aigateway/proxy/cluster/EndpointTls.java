package dev.aigateway.proxy.cluster;

import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TLS for one endpoint, from the cluster's {@code transport_socket_matches} entry whose match is a
 * subset of the endpoint's {@code envoy.transport_socket_match} metadata.
 *
 * @param sni the SNI to send (empty: none)
 * @param trustedCa the certificates of its {@code trusted_ca}, or null for the proxy's own trust
 */
public record EndpointTls(String sni, @Nullable List<X509Certificate> trustedCa) {}
