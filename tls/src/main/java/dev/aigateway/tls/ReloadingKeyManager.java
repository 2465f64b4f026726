package dev.aigateway.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate and key this party presents, read again from their files when they change, so a
 * renewed certificate is used by the next handshake without a restart. The files are looked at when
 * a handshake chooses its certificate; a pair that cannot be read or does not match (files renewed
 * one at a time) is skipped and the previous one kept until the files change again.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);

  /** One version of the files; the alias names it, so a handshake sees one pair throughout. */
  private record Identity(
      String alias, X509Certificate[] chain, PrivateKey key, CertificateFiles.Stamp stamp) {}

  private final Path cert;
  private final Path key;
  private volatile Identity current;
  private volatile @Nullable Identity previous;
  private volatile CertificateFiles.Stamp lastSeen;
  private int generation;

  /**
   * Reads the files once now.
   *
   * @throws UncheckedIOException when they cannot be read or do not match
   */
  public ReloadingKeyManager(Path cert, Path key) {
    this.cert = requireNonNull(cert, "cert");
    this.key = requireNonNull(key, "key");
    CertificateFiles.Stamp stamp = CertificateFiles.stamp(cert, key);
    try {
      this.current = load(stamp);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read TLS files " + CertificateFiles.describe(cert, key), e);
    }
    this.lastSeen = stamp;
  }

  private synchronized Identity load(CertificateFiles.Stamp stamp) throws IOException {
    List<X509Certificate> chain = CertificateFiles.certificates(cert);
    PrivateKey privateKey = CertificateFiles.privateKey(key);
    CertificateFiles.requireMatch(chain.get(0), privateKey);
    return new Identity(
        "gateway-" + generation++, chain.toArray(X509Certificate[]::new), privateKey, stamp);
  }

  /** The identity to present, after reading the files again if they changed. */
  private Identity fresh() {
    CertificateFiles.Stamp stamp = CertificateFiles.stamp(cert, key);
    if (stamp.equals(lastSeen)) {
      return current;
    }
    synchronized (this) {
      if (!stamp.equals(lastSeen)) {
        lastSeen = stamp;
        try {
          Identity renewed = load(stamp);
          previous = current;
          current = renewed;
          log.info(
              "TLS certificate {} reloaded (serial {})",
              cert,
              renewed.chain()[0].getSerialNumber().toString(16));
        } catch (IOException | RuntimeException e) {
          log.warn(
              "TLS files {} changed but cannot be used yet, keeping the previous certificate: {}",
              CertificateFiles.describe(cert, key),
              e.getMessage());
        }
      }
      return current;
    }
  }

  private @Nullable Identity byAlias(@Nullable String alias) {
    Identity c = current;
    if (c.alias().equals(alias)) {
      return c;
    }
    Identity p = previous;
    return p != null && p.alias().equals(alias) ? p : null;
  }

  private @Nullable String alias(String keyType) {
    Identity identity = fresh();
    return fits(identity, keyType) ? identity.alias() : null;
  }

  /** The JDK asks by key algorithm ({@code EC}), in TLS 1.2 with the signer ({@code EC_EC}). */
  private static boolean fits(Identity identity, String keyType) {
    String algorithm = identity.key().getAlgorithm();
    return keyType.equals(algorithm) || keyType.startsWith(algorithm + "_");
  }

  private @Nullable String alias(String @Nullable [] keyTypes) {
    Identity identity = fresh();
    if (keyTypes == null) {
      return null;
    }
    for (String type : keyTypes) {
      if (fits(identity, type)) {
        return identity.alias();
      }
    }
    return null;
  }

  @Override
  public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public @Nullable String chooseClientAlias(
      String[] keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return alias(keyType);
  }

  @Override
  public @Nullable String chooseEngineClientAlias(
      String[] keyType, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public @Nullable String chooseServerAlias(
      String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return alias(keyType);
  }

  @Override
  public @Nullable String chooseEngineServerAlias(
      String keyType, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(String alias) {
    Identity identity = byAlias(alias);
    return identity == null ? null : identity.chain().clone();
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(String alias) {
    Identity identity = byAlias(alias);
    return identity == null ? null : identity.key();
  }
}
