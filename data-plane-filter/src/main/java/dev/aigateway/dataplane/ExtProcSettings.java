package dev.aigateway.dataplane;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How the ext_proc service listens and where it keeps local state.
 *
 * @param bindAddress address the gRPC server binds to
 * @param port ext_proc gRPC port
 * @param dataDir data directory (usage spool files live under it)
 * @param secretKey key that opens stored provider credentials (32 bytes)
 * @param previousSecretKeys older keys still accepted while credentials are re-encrypted
 */
public record ExtProcSettings(
    String bindAddress,
    int port,
    Path dataDir,
    byte[] secretKey,
    java.util.List<byte[]> previousSecretKeys) {

  public ExtProcSettings {
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(secretKey, "secretKey");
    previousSecretKeys = java.util.List.copyOf(previousSecretKeys);
  }
}
