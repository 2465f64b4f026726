package dev.aigateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.jspecify.annotations.Nullable;

/**
 * Reads PEM certificate and key files, and tells when they have changed on disk: a renewed file is
 * a new inode (an atomic rename, a Kubernetes secret update) or a new modification time or size.
 */
final class CertificateFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateFiles() {}

  /** What identifies one version of a set of files; equal stamps mean nothing changed. */
  record Stamp(List<@Nullable Object> parts) {}

  static Stamp stamp(Path... files) {
    List<@Nullable Object> parts = new ArrayList<>();
    for (Path file : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        parts.add(a.fileKey());
        parts.add(a.lastModifiedTime());
        parts.add(a.size());
      } catch (NoSuchFileException e) {
        parts.add("missing"); // mid-rotation; the next look may find it
      } catch (IOException e) {
        parts.add(e.getClass().getName());
      }
    }
    return new Stamp(parts);
  }

  /** Every certificate in a PEM file, in order. */
  static List<X509Certificate> certificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new IOException("no certificate in " + file);
      }
      return certs;
    } catch (CertificateException e) {
      throw new IOException("not a PEM certificate file: " + file + ": " + e.getMessage(), e);
    }
  }

  /** The PKCS#8 private key in a PEM file. */
  static PrivateKey privateKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (!(object instanceof PrivateKeyInfo info)) {
        throw new IOException("not a PKCS#8 private key (BEGIN PRIVATE KEY): " + file);
      }
      return new JcaPEMKeyConverter().getPrivateKey(info);
    }
  }

  /**
   * Fails unless {@code key} belongs to {@code certificate}: files renewed one after the other are
   * briefly a new certificate with the old key, which must not be served.
   */
  static void requireMatch(X509Certificate certificate, PrivateKey key) throws IOException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return; // an algorithm without a signature to try: the handshake will tell
    }
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(nonce);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(nonce);
      if (!verifier.verify(signature)) {
        throw new IOException("the private key does not belong to the certificate");
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("the private key does not belong to the certificate", e);
    }
  }

  static String describe(Path... files) {
    return String.join(", ", java.util.Arrays.stream(files).map(Objects::toString).toList());
  }
}
