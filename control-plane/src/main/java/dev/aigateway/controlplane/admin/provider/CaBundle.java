package dev.aigateway.controlplane.admin.provider;

import dev.aigateway.controlplane.admin.problem.Validation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ca_bundle} provider setting: PEM certificates that alone are trusted for the
 * provider's https endpoint. It is public data (CA certificates), so it may appear in xDS.
 */
final class CaBundle {
  static final String SETTING = "ca_bundle";
  static final int MAX_CHARS = 64 * 1024;

  private CaBundle() {}

  static void validate(Validation v, String field, @Nullable String pem) {
    if (pem == null || pem.isBlank()) {
      v.add(field, "must not be blank");
      return;
    }
    if (pem.length() > MAX_CHARS) {
      v.add(field, "must be at most " + MAX_CHARS + " characters");
      return;
    }
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      v.add(field, "must be PEM certificates (-----BEGIN CERTIFICATE-----)");
      return;
    }
    if (pem.contains("PRIVATE KEY")) {
      v.add(field, "must hold certificates only, never a private key");
      return;
    }
    try {
      var certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        v.add(field, "holds no certificate");
      }
    } catch (CertificateException e) {
      v.add(field, "is not readable as PEM certificates");
    }
  }
}
