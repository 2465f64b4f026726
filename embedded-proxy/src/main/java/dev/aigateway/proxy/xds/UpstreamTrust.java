package dev.aigateway.proxy.xds;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The CA certificates an upstream TLS context trusts, read the way Envoy reads them, and the
 * contexts Envoy refuses. Follows certificate_validation_context_config_impl.cc: {@code
 * system_root_certs} is not implemented by Envoy (so it trusts nothing), SAN matchers without a
 * {@code trusted_ca} are rejected as insecure, and an unreadable {@code trusted_ca} fails the
 * cluster; any of these NACKs the whole CDS update.
 */
final class UpstreamTrust {
  private UpstreamTrust() {}

  /**
   * The trusted CA certificates, or null when the context has no validation context (the proxy then
   * uses its own trust settings; Envoy would not verify at all).
   */
  static @Nullable List<X509Certificate> of(UpstreamTlsContext tls, String cluster)
      throws InvalidResourceException {
    var common = tls.getCommonTlsContext();
    if (common.hasValidationContextSdsSecretConfig() || common.hasCombinedValidationContext()) {
      throw new InvalidResourceException(
          "cluster " + cluster + ": only an inline validation_context is supported");
    }
    if (!common.hasValidationContext()) {
      return null;
    }
    CertificateValidationContext v = common.getValidationContext();
    if (!v.hasTrustedCa()) {
      if (v.getMatchTypedSubjectAltNamesCount() > 0 || v.getMatchSubjectAltNamesCount() > 0) {
        throw new InvalidResourceException(
            "cluster "
                + cluster
                + ": SAN-based verification of peer certificates without trusted CA is insecure"
                + " and not allowed");
      }
      return null;
    }
    byte[] pem = read(v.getTrustedCa(), cluster);
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new InvalidResourceException(
            "cluster " + cluster + ": Failed to load trusted CA certificates (none found)");
      }
      return List.copyOf(out);
    } catch (CertificateException e) {
      throw new InvalidResourceException(
          "cluster " + cluster + ": Failed to load trusted CA certificates: " + e.getMessage());
    }
  }

  private static byte[] read(DataSource source, String cluster) throws InvalidResourceException {
    return switch (source.getSpecifierCase()) {
      case FILENAME -> {
        try {
          yield Files.readAllBytes(Path.of(source.getFilename()));
        } catch (IOException | RuntimeException e) {
          throw new InvalidResourceException(
              "cluster "
                  + cluster
                  + ": Failed to load trusted CA certificates from "
                  + source.getFilename());
        }
      }
      case INLINE_STRING -> source.getInlineString().getBytes(StandardCharsets.US_ASCII);
      case INLINE_BYTES -> source.getInlineBytes().toByteArray();
      default ->
          throw new InvalidResourceException(
              "cluster " + cluster + ": trusted_ca " + source.getSpecifierCase() + " unsupported");
    };
  }
}
