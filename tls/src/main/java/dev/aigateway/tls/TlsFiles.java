package dev.aigateway.tls;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The PEM files of one party of a mutual-TLS link: the CA that signs every peer allowed in, this
 * party's certificate chain and its private key. The gateway's gRPC servers (xDS, ext_proc) accept
 * only clients whose certificate {@code ca} signed, and its clients (Envoy, the embedded proxy)
 * present {@code cert} and accept only servers {@code ca} signed.
 *
 * @param ca trusted CA certificate(s), PEM
 * @param cert this party's certificate chain, PEM
 * @param key this party's private key, PKCS#8 PEM
 */
public record TlsFiles(Path ca, Path cert, Path key) {

  /** File names inside a TLS directory (the layout {@code gateway dev-certs} writes). */
  public static final String CA_FILE = "ca.pem";

  public static final String CERT_FILE = "cert.pem";
  public static final String KEY_FILE = "key.pem";

  public TlsFiles {
    requireNonNull(ca, "ca");
    requireNonNull(cert, "cert");
    requireNonNull(key, "key");
  }

  /** {@code ca.pem}, {@code cert.pem} and {@code key.pem} in {@code dir}. */
  public static TlsFiles inDirectory(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    return new TlsFiles(abs.resolve(CA_FILE), abs.resolve(CERT_FILE), abs.resolve(KEY_FILE));
  }

  /** Fails with a message naming the first file that is missing or unreadable. */
  public TlsFiles requireReadable() {
    for (Path file : List.of(ca, cert, key)) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new IllegalArgumentException("TLS file " + file + " is missing or not readable");
      }
    }
    return this;
  }

  /**
   * Server side: presents {@code cert} and requires a client certificate signed by {@code ca}. The
   * files are read again when they change ({@link ReloadingKeyManager}, {@link
   * ReloadingTrustManager}): a renewed certificate or CA is used from the next connection on.
   *
   * @throws UncheckedIOException when the files cannot be read now
   */
  public ServerCredentials serverCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(new ReloadingKeyManager(cert, key))
        .trustManager(new ReloadingTrustManager(ca))
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /**
   * Client side: presents {@code cert} and trusts only servers signed by {@code ca}, read again
   * when the files change, as on the server side.
   *
   * @throws UncheckedIOException when the files cannot be read now
   */
  public ChannelCredentials channelCredentials() {
    return TlsChannelCredentials.newBuilder()
        .keyManager(new ReloadingKeyManager(cert, key))
        .trustManager(new ReloadingTrustManager(ca))
        .build();
  }
}
