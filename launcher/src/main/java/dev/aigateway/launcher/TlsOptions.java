package dev.aigateway.launcher;

import dev.aigateway.tls.DevCertificates;
import dev.aigateway.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Mutual TLS of the gRPC links (xDS, ext_proc): where the certificate files are. */
final class TlsOptions {
  static final String TLS_DIR = "--tls-dir / GATEWAY_TLS_DIR";
  static final String PLAINTEXT_WARNING =
      "WARNING: gRPC (xDS, ext_proc) is plaintext and unauthenticated: anyone who reaches these"
          + " ports reads the fleet config or receives provider credentials. Set --tls-dir /"
          + " GATEWAY_TLS_DIR, and restrict the ports (NetworkPolicy).";

  @Option(
      names = "--tls-dir",
      paramLabel = "DIR",
      defaultValue = "${env:GATEWAY_TLS_DIR}",
      description =
          "Directory with ca.pem, cert.pem and key.pem (PEM, key PKCS#8): the xDS and ext_proc"
              + " servers require client certificates signed by ca.pem, and the embedded proxy"
              + " presents cert.pem (GATEWAY_TLS_DIR). `gateway dev-certs` writes one. Unset:"
              + " `run` generates a development CA into DATA_DIR/tls; the other commands serve"
              + " plaintext gRPC.")
  @Nullable Path tlsDir;

  @Option(
      names = "--envoy-tls-dir",
      paramLabel = "DIR",
      defaultValue = "${env:GATEWAY_ENVOY_TLS_DIR}",
      description =
          "Where the same three files are on the Envoy hosts, written into generated bootstraps"
              + " (xDS cluster) and the ext_proc cluster sent over CDS (GATEWAY_ENVOY_TLS_DIR;"
              + " default: --tls-dir).")
  @Nullable Path envoyTlsDir;

  /** The configured files (checked readable), or null for plaintext. */
  @Nullable TlsFiles configured() {
    return tlsDir == null ? null : readable(tlsDir);
  }

  /**
   * The configured files, or a development CA and certificate generated once into {@code
   * dataDir/tls} (kept across restarts, keys owner-only) valid for {@code hosts} and loopback: what
   * {@code gateway run} uses.
   */
  TlsFiles configuredOrGenerated(Path dataDir, List<String> hosts) {
    if (tlsDir != null) {
      return readable(tlsDir);
    }
    Path dir = dataDir.resolve("tls");
    TlsFiles files = TlsFiles.inDirectory(dir);
    if (Files.isRegularFile(files.ca())
        && Files.isRegularFile(files.cert())
        && Files.isRegularFile(files.key())) {
      return files;
    }
    return DevCertificates.create(
        dir, hosts.stream().filter(h -> !h.equals("0.0.0.0") && !h.equals("::")).toList());
  }

  /** The files as Envoys see them: {@code --envoy-tls-dir}, else {@code server}'s. */
  @Nullable TlsFiles forEnvoys(@Nullable TlsFiles server) {
    if (envoyTlsDir != null) {
      return TlsFiles.inDirectory(envoyTlsDir);
    }
    return server;
  }

  private static TlsFiles readable(Path dir) {
    try {
      return TlsFiles.inDirectory(dir).requireReadable();
    } catch (IllegalArgumentException e) {
      throw new SettingsException(TLS_DIR + ": " + e.getMessage());
    }
  }
}
