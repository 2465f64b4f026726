package dev.aigateway.controlplane.xds;

import com.google.protobuf.Any;
import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * The client side of the gateway's own mutual-TLS links as Envoy config: Envoy presents {@code
 * cert}/{@code key} (UpstreamTlsContext.common_tls_context.tls_certificates, read from files) and
 * accepts only a server certificate that {@code ca} signed (validation_context.trusted_ca) and that
 * names the host it dialled (match_typed_subject_alt_names; Envoy refuses SAN matching without a
 * trusted CA, which is set here). ALPN is h2: both servers are gRPC.
 */
final class MutualTlsSockets {
  private MutualTlsSockets() {}

  static TransportSocket client(TlsFiles files, String host) {
    boolean ip = UpstreamEndpoint.isIpLiteral(host);
    UpstreamTlsContext.Builder context =
        UpstreamTlsContext.newBuilder()
            .setCommonTlsContext(
                CommonTlsContext.newBuilder()
                    .addAlpnProtocols("h2")
                    .addTlsCertificates(
                        TlsCertificate.newBuilder()
                            .setCertificateChain(file(files.cert().toString()))
                            .setPrivateKey(file(files.key().toString())))
                    .setValidationContext(
                        CertificateValidationContext.newBuilder()
                            .setTrustedCa(file(files.ca().toString()))
                            .addMatchTypedSubjectAltNames(
                                SubjectAltNameMatcher.newBuilder()
                                    .setSanType(
                                        ip
                                            ? SubjectAltNameMatcher.SanType.IP_ADDRESS
                                            : SubjectAltNameMatcher.SanType.DNS)
                                    .setMatcher(StringMatcher.newBuilder().setExact(host)))));
    if (!ip) {
      context.setSni(host);
    }
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(context.build()))
        .build();
  }

  private static DataSource file(String path) {
    return DataSource.newBuilder().setFilename(path).build();
  }
}
