package dev.aigateway.controlplane.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.jspecify.annotations.Nullable;

/**
 * The TLS transport socket of an https provider cluster.
 *
 * <p>Envoy does not implement {@code system_root_certs} ({@code [#not-implemented-hide:]} in
 * common.proto), and SAN matchers without {@code trusted_ca} make it reject the cluster ("SAN-based
 * verification of peer certificates without trusted CA is insecure and not allowed",
 * certificate_validation_context_config_impl.cc), which NACKs the whole CDS update. So trust is
 * always an explicit {@code trusted_ca}: the provider's own PEM bundle inline, else the fleet's CA
 * file (Envoy Gateway does the same, envoyproxy/gateway PR #2804).
 */
final class UpstreamTls {
  static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";

  private UpstreamTls() {}

  static TransportSocket transportSocket(
      String host, @Nullable String caBundle, EnvoyOptions options) {
    boolean ip = UpstreamEndpoint.isIpLiteral(host);
    DataSource trustedCa =
        caBundle != null
            ? DataSource.newBuilder().setInlineString(caBundle).build()
            : DataSource.newBuilder().setFilename(options.trustedCaFile()).build();
    CertificateValidationContext validation =
        CertificateValidationContext.newBuilder()
            .setTrustedCa(trustedCa)
            .addMatchTypedSubjectAltNames(
                SubjectAltNameMatcher.newBuilder()
                    // A provider addressed by IP (a self-hosted server) has an IP SAN.
                    .setSanType(
                        ip
                            ? SubjectAltNameMatcher.SanType.IP_ADDRESS
                            : SubjectAltNameMatcher.SanType.DNS)
                    .setMatcher(StringMatcher.newBuilder().setExact(host)))
            .build();
    UpstreamTlsContext.Builder context = UpstreamTlsContext.newBuilder();
    if (!ip) {
      // RFC 6066 allows only host names in SNI.
      context.setSni(host);
    }
    context.setCommonTlsContext(
        CommonTlsContext.newBuilder()
            // auto_config picks the codec from what ALPN negotiated.
            .addAlpnProtocols("h2")
            .addAlpnProtocols("http/1.1")
            .setValidationContext(validation));
    return TransportSocket.newBuilder()
        .setName(TRANSPORT_SOCKET)
        .setTypedConfig(Any.pack(context.build()))
        .build();
  }
}
