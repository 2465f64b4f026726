package dev.aigateway.controlplane.lastgood;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.controlplane.xds.XdsState;
import dev.aigateway.db.model.Failover;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.secret.SecretException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The control plane's last good xDS state on disk: what every fleet's snapshot is built from
 * (fleets, providers, and models with their targets and failover settings, which the per-model
 * routes and clusters come from), sealed with the secret key (AES-256-GCM) so that a control plane
 * started while PostgreSQL is down can serve Envoys the config they had. Provider base URLs and CA
 * bundles are not secrets, but the file is sealed anyway: an attacker who can write the data
 * directory must not be able to point a fleet at their own upstream, and GCM makes any change to
 * the file fail to open.
 *
 * <p>Layout: the magic {@code AGXDS}, a format version byte, the key id's length and ASCII bytes,
 * then {@link SecretCipher}'s IV and ciphertext. The format version and the file's purpose are
 * authenticated as the cipher's context.
 */
public final class LastGoodXdsFile {
  /** The file's name inside the data directory. */
  public static final String FILE_NAME = "xds-last-good.sealed";

  private static final byte[] MAGIC = "AGXDS".getBytes(StandardCharsets.US_ASCII);
  // 2: models (targets, failover) are kept too. A version-1 file had none, so it would configure
  // every model's route as unknown (404); it is refused instead and the control plane waits.
  private static final byte FORMAT = 2;
  private static final String CONTEXT = "ai-gateway/xds-last-good/v2";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final SecretCipher cipher;
  private final Clock clock;

  public LastGoodXdsFile(Path dataDir, SecretCipher cipher, Clock clock) {
    this.file = requireNonNull(dataDir, "dataDir").resolve(FILE_NAME);
    this.cipher = requireNonNull(cipher, "cipher");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Where the state is kept. */
  public Path path() {
    return file;
  }

  /**
   * Seals {@code state} into the file: written to a temporary file (owner-only) beside it, flushed,
   * then renamed over it atomically, so a crash leaves the old state or the new one, never half.
   */
  public void save(XdsState state) {
    byte[] plaintext = serialize(state, clock.instant());
    SecretCipher.Sealed sealed = cipher.seal(plaintext, CONTEXT);
    byte[] keyId = sealed.keyId().getBytes(StandardCharsets.US_ASCII);
    byte[] bytes =
        ByteBuffer.allocate(MAGIC.length + 2 + keyId.length + sealed.ciphertext().length)
            .put(MAGIC)
            .put(FORMAT)
            .put((byte) keyId.length)
            .put(keyId)
            .put(sealed.ciphertext())
            .array();
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(FILE_NAME + ".tmp");
      Files.deleteIfExists(temp);
      createOwnerOnly(temp);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the last good xDS state to " + file, e);
    }
  }

  /** The state last saved, or why there is none that can be used. */
  public LastGood load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new LastGood.Absent(file);
    } catch (IOException e) {
      return new LastGood.Unusable(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length < MAGIC.length + 2
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      return new LastGood.Unusable(file, "is not a sealed xDS state file");
    }
    if (bytes[MAGIC.length] != FORMAT) {
      return new LastGood.Unusable(
          file, "has format version " + bytes[MAGIC.length] + " (expected: " + FORMAT + ")");
    }
    int keyIdLength = bytes[MAGIC.length + 1] & 0xff;
    int bodyStart = MAGIC.length + 2 + keyIdLength;
    if (bodyStart > bytes.length) {
      return new LastGood.Unusable(file, "is truncated");
    }
    String keyId = new String(bytes, MAGIC.length + 2, keyIdLength, StandardCharsets.US_ASCII);
    byte[] plaintext;
    try {
      plaintext =
          cipher.open(
              new SecretCipher.Sealed(keyId, Arrays.copyOfRange(bytes, bodyStart, bytes.length)),
              CONTEXT);
    } catch (SecretException e) {
      return new LastGood.Unusable(
          file,
          "cannot be opened with the configured secret key (written with another"
              + " GATEWAY_SECRET_KEY, or altered)");
    }
    try {
      return deserialize(plaintext);
    } catch (IOException | RuntimeException e) {
      // Authenticated but not understood: written by an incompatible version.
      return new LastGood.Unusable(file, "holds a state this version cannot read");
    }
  }

  private static void createOwnerOnly(Path path) throws IOException {
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the data directory's own permissions protect it.
      Files.createFile(path);
    }
  }

  private static byte[] serialize(XdsState state, Instant savedAt) {
    ObjectNode root = JSON.createObjectNode();
    root.put("revision", state.revision());
    root.put("saved_at", savedAt.toString());
    ArrayNode fleets = root.putArray("fleets");
    for (XdsState.Fleet fleet : state.fleets()) {
      fleets.addObject().put("name", fleet.name()).put("listener_port", fleet.listenerPort());
    }
    ArrayNode providers = root.putArray("providers");
    for (XdsState.Provider provider : state.providers()) {
      providers
          .addObject()
          .put("name", provider.name())
          .put("schema", provider.schema())
          .put("base_url", provider.baseUrl())
          .put("ca_bundle", provider.caBundle());
    }
    ArrayNode models = root.putArray("models");
    for (XdsState.Model model : state.models()) {
      ObjectNode m = models.addObject().put("name", model.name());
      Failover f = model.failover();
      ObjectNode failover = m.putObject("failover");
      f.retryOn().forEach(failover.putArray("retry_on")::add);
      failover
          .put("attempts", f.attempts())
          .put("per_attempt_timeout_ms", f.perAttemptTimeoutMs())
          .put("backoff_base_ms", f.backoffBaseMs())
          .put("backoff_max_ms", f.backoffMaxMs());
      ArrayNode targets = m.putArray("targets");
      for (XdsState.Target t : model.targets()) {
        targets
            .addObject()
            .put("id", t.id())
            .put("provider", t.provider())
            .put("upstream_model", t.upstreamModel())
            .put("weight", t.weight())
            .put("priority", t.priority());
      }
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private LastGood deserialize(byte[] plaintext) throws IOException {
    JsonNode root = JSON.readTree(plaintext);
    List<XdsState.Fleet> fleets = new ArrayList<>();
    for (JsonNode fleet : root.withArray("fleets")) {
      fleets.add(
          new XdsState.Fleet(
              fleet.required("name").asText(), fleet.required("listener_port").asInt()));
    }
    List<XdsState.Provider> providers = new ArrayList<>();
    for (JsonNode provider : root.withArray("providers")) {
      JsonNode ca = provider.get("ca_bundle");
      providers.add(
          new XdsState.Provider(
              provider.required("name").asText(),
              provider.required("schema").asText(),
              provider.required("base_url").asText(),
              ca == null || ca.isNull() ? null : ca.asText()));
    }
    List<XdsState.Model> models = new ArrayList<>();
    for (JsonNode model : root.required("models")) {
      JsonNode f = model.required("failover");
      List<String> retryOn = new ArrayList<>();
      f.required("retry_on").forEach(c -> retryOn.add(c.asText()));
      List<XdsState.Target> targets = new ArrayList<>();
      for (JsonNode t : model.required("targets")) {
        targets.add(
            new XdsState.Target(
                t.required("id").asText(),
                t.required("provider").asText(),
                t.required("upstream_model").asText(),
                t.required("weight").asInt(),
                t.required("priority").asInt()));
      }
      models.add(
          new XdsState.Model(
              model.required("name").asText(),
              new Failover(
                  retryOn,
                  f.required("attempts").asInt(),
                  f.required("per_attempt_timeout_ms").asInt(),
                  f.required("backoff_base_ms").asInt(),
                  f.required("backoff_max_ms").asInt()),
              targets));
    }
    XdsState state = new XdsState(root.required("revision").asLong(), fleets, providers, models);
    return new LastGood.Loaded(file, state, Instant.parse(root.required("saved_at").asText()));
  }
}
