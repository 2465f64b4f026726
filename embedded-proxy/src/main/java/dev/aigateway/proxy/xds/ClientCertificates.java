package dev.aigateway.proxy.xds;

import dev.aigateway.tls.TlsFiles;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The client certificate an UpstreamTlsContext asks Envoy to present (common_tls_context
 * .tls_certificates) with the CA it trusts (validation_context.trusted_ca): what the control plane
 * sends for mutual TLS to ext_proc. Only files are supported here; inline keys and SDS are refused,
 * so the proxy NACKs a cluster it could not connect to as configured rather than connecting without
 * a certificate.
 */
final class ClientCertificates {
  private ClientCertificates() {}

  static @Nullable TlsFiles of(UpstreamTlsContext context, String cluster)
      throws InvalidResourceException {
    CommonTlsContext common = context.getCommonTlsContext();
    if (common.getTlsCertificateSdsSecretConfigsCount() > 0) {
      throw new InvalidResourceException("cluster " + cluster + ": SDS certificates unsupported");
    }
    if (common.getTlsCertificatesCount() == 0) {
      return null;
    }
    if (common.getTlsCertificatesCount() > 1) {
      throw new InvalidResourceException("cluster " + cluster + ": one client certificate only");
    }
    TlsCertificate certificate = common.getTlsCertificates(0);
    if (!common.hasValidationContext() || !common.getValidationContext().hasTrustedCa()) {
      throw new InvalidResourceException(
          "cluster " + cluster + ": a client certificate needs validation_context.trusted_ca");
    }
    return new TlsFiles(
        file(common.getValidationContext().getTrustedCa(), cluster),
        file(certificate.getCertificateChain(), cluster),
        file(certificate.getPrivateKey(), cluster));
  }

  private static Path file(DataSource source, String cluster) throws InvalidResourceException {
    if (source.getSpecifierCase() != DataSource.SpecifierCase.FILENAME
        || source.getFilename().isEmpty()) {
      throw new InvalidResourceException(
          "cluster " + cluster + ": TLS certificates and keys must be given as files");
    }
    return Path.of(source.getFilename());
  }
}
