package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import dev.aigateway.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the ext_proc service listens and where it keeps local state.
 *
 * @param bindAddress address the gRPC server binds to
 * @param port ext_proc gRPC port
 * @param dataDir data directory (usage spool files live under it)
 * @param secretKey key that opens stored provider credentials (32 bytes)
 * @param previousSecretKeys older keys still accepted while credentials are re-encrypted
 * @param maxRequestBodyBytes larger request bodies are refused with 413 before going upstream; the
 *     same value as the control plane's Envoy buffer limits ({@code GATEWAY_BODY_LIMIT_BYTES})
 * @param drainGrace on shutdown, how long streams in flight (a long streamed completion) may take
 *     to finish after the server stopped accepting new ones
 * @param tls mutual TLS for the gRPC server (only clients with a certificate from its CA get in);
 *     null: plaintext, for loopback-only setups and tests
 */
public record ExtProcSettings(
    String bindAddress,
    int port,
    Path dataDir,
    byte[] secretKey,
    List<byte[]> previousSecretKeys,
    long maxRequestBodyBytes,
    java.time.Duration drainGrace,
    @Nullable TlsFiles tls) {

  /** The control plane's default body limit (EnvoyOptions.DEFAULT_BODY_LIMIT_BYTES). */
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 50L * 1024 * 1024;

  /** Streamed completions run for minutes; a rolling restart should not cut them. */
  public static final java.time.Duration DEFAULT_DRAIN_GRACE = java.time.Duration.ofSeconds(60);

  public ExtProcSettings {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(secretKey, "secretKey");
    previousSecretKeys = List.copyOf(previousSecretKeys);
    if (maxRequestBodyBytes <= 0) {
      throw new IllegalArgumentException(
          "maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: > 0)");
    }
    requireNonNull(drainGrace, "drainGrace");
    if (drainGrace.isNegative()) {
      throw new IllegalArgumentException("drainGrace: " + drainGrace + " (expected: >= 0)");
    }
  }

  /** Plaintext settings. */
  public ExtProcSettings(
      String bindAddress,
      int port,
      Path dataDir,
      byte[] secretKey,
      List<byte[]> previousSecretKeys,
      long maxRequestBodyBytes,
      java.time.Duration drainGrace) {
    this(
        bindAddress,
        port,
        dataDir,
        secretKey,
        previousSecretKeys,
        maxRequestBodyBytes,
        drainGrace,
        null);
  }

  /** Plaintext settings with the default drain grace. */
  public ExtProcSettings(
      String bindAddress,
      int port,
      Path dataDir,
      byte[] secretKey,
      List<byte[]> previousSecretKeys,
      long maxRequestBodyBytes) {
    this(
        bindAddress,
        port,
        dataDir,
        secretKey,
        previousSecretKeys,
        maxRequestBodyBytes,
        DEFAULT_DRAIN_GRACE);
  }

  /** Settings with the default request body limit. */
  public ExtProcSettings(
      String bindAddress,
      int port,
      Path dataDir,
      byte[] secretKey,
      List<byte[]> previousSecretKeys) {
    this(bindAddress, port, dataDir, secretKey, previousSecretKeys, DEFAULT_MAX_REQUEST_BODY_BYTES);
  }

  /** The same settings with mutual TLS from {@code files}. */
  public ExtProcSettings withTls(TlsFiles files) {
    return new ExtProcSettings(
        bindAddress,
        port,
        dataDir,
        secretKey,
        previousSecretKeys,
        maxRequestBodyBytes,
        drainGrace,
        files);
  }
}
