package dev.aigateway.dataplane.store.file;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.LastGoodConfig;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.secret.SecretException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good configuration in the data directory, sealed with the secret key (AES-256-GCM
 * through {@link SecretCipher}): it holds decrypted provider credentials. Layout: the magic {@code
 * AIGWCFG1}, a format version (int), the sealing key's id (a length byte and ASCII, not secret),
 * then IV, ciphertext and tag. Magic and version are authenticated with the data, so neither can be
 * swapped. Written to a temporary file (owner-only) that is renamed over the old one atomically: a
 * crash leaves the old copy or the new one, never half of either.
 */
public final class SealedSnapshotFile implements LastGoodConfig {
  private static final Logger log = LoggerFactory.getLogger(SealedSnapshotFile.class);

  /** The format this build writes and reads. */
  static final int FORMAT = 1;

  static final byte[] MAGIC = "AIGWCFG1".getBytes(StandardCharsets.US_ASCII);
  static final String FILE_NAME = "config-snapshot.sealed";

  private final Path file;
  private final SecretCipher cipher;

  /** Why a file was not used; the message names no secret. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  public SealedSnapshotFile(Path dataDir, SecretCipher cipher) {
    this.file = requireNonNull(dataDir, "dataDir").resolve(FILE_NAME);
    this.cipher = requireNonNull(cipher, "cipher");
  }

  /** Where the copy is kept. */
  public Path file() {
    return file;
  }

  @Override
  public void save(ConfigSnapshot snapshot) {
    try {
      write(snapshot);
    } catch (IOException | RuntimeException e) {
      log.warn("could not save the last good configuration to {}: {}", file, e.toString());
    }
  }

  void write(ConfigSnapshot snapshot) throws IOException {
    byte[] plain = SnapshotJson.write(snapshot);
    SecretCipher.Sealed sealed;
    try {
      sealed = cipher.seal(plain, context(FORMAT));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    byte[] keyId = sealed.keyId().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer out =
        ByteBuffer.allocate(MAGIC.length + 4 + 1 + keyId.length + sealed.ciphertext().length)
            .put(MAGIC)
            .putInt(FORMAT)
            .put((byte) keyId.length)
            .put(keyId)
            .put(sealed.ciphertext())
            .flip();
    OwnerOnlyFiles.replace(file, out);
  }

  @Override
  public Optional<ConfigSnapshot> read() {
    try {
      return Optional.of(open());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (Refused e) {
      log.error(
          "last good configuration {} refused: {}; waiting for the database", file, e.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      log.error(
          "last good configuration {} unreadable ({}); waiting for the database",
          file,
          e.getClass().getSimpleName());
      return Optional.empty();
    }
  }

  ConfigSnapshot open() throws IOException, Refused {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
    byte[] magic = new byte[MAGIC.length];
    if (in.remaining() < MAGIC.length + 5) {
      throw new Refused("too short to be a sealed configuration");
    }
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new Refused("not a sealed configuration (wrong magic)");
    }
    int format = in.getInt();
    if (format != FORMAT) {
      throw new Refused("format version " + format + ", this build reads version " + FORMAT);
    }
    int keyIdLength = Byte.toUnsignedInt(in.get());
    if (in.remaining() < keyIdLength) {
      throw new Refused("truncated");
    }
    byte[] keyId = new byte[keyIdLength];
    in.get(keyId);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    byte[] plain;
    try {
      plain =
          cipher.open(
              new SecretCipher.Sealed(new String(keyId, StandardCharsets.US_ASCII), ciphertext),
              context(format));
    } catch (SecretException e) {
      // Either the key is not configured or the bytes were altered; the message says which.
      throw new Refused(e.getMessage());
    }
    try {
      return SnapshotJson.read(plain);
    } catch (IOException e) {
      throw new Refused("sealed content is not a configuration snapshot of format " + format);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Authenticated with the data: a file cannot be relabelled as another format or purpose. */
  private static String context(int format) {
    return "config-snapshot/" + new String(MAGIC, StandardCharsets.US_ASCII) + "/" + format;
  }
}
