package dev.aigateway.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts the CA certificates of one PEM file, read again when the file changes (a CA rotation, or a
 * bundle that gained the next CA), checked at every handshake. It delegates to the JDK's PKIX trust
 * manager, so path validation and, where the engine asks for it, host name checks are the JDK's.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {
  private static final Logger log = LoggerFactory.getLogger(ReloadingTrustManager.class);

  private final Path ca;
  private volatile X509ExtendedTrustManager current;
  private volatile CertificateFiles.Stamp lastSeen;

  /**
   * Reads the file once now.
   *
   * @throws UncheckedIOException when it cannot be read
   */
  public ReloadingTrustManager(Path ca) {
    this.ca = requireNonNull(ca, "ca");
    CertificateFiles.Stamp stamp = CertificateFiles.stamp(ca);
    try {
      this.current = load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TLS file " + ca, e);
    }
    this.lastSeen = stamp;
  }

  private X509ExtendedTrustManager load() throws IOException {
    List<X509Certificate> cas = CertificateFiles.certificates(ca);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IOException("no X.509 trust manager for " + ca);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the certificates of " + ca + ": " + e.getMessage(), e);
    }
  }

  private X509ExtendedTrustManager fresh() {
    CertificateFiles.Stamp stamp = CertificateFiles.stamp(ca);
    if (stamp.equals(lastSeen)) {
      return current;
    }
    synchronized (this) {
      if (!stamp.equals(lastSeen)) {
        lastSeen = stamp;
        try {
          current = load();
          log.info("TLS trusted CA file {} reloaded", ca);
        } catch (IOException | RuntimeException e) {
          log.warn(
              "TLS CA file {} changed but cannot be used yet, keeping the previous one: {}",
              ca,
              e.getMessage());
        }
      }
      return current;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    fresh().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    fresh().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    fresh().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    fresh().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    fresh().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    fresh().checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return fresh().getAcceptedIssuers();
  }
}
