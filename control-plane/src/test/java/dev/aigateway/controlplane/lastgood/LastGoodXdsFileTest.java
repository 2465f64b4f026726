package dev.aigateway.controlplane.lastgood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.aigateway.controlplane.xds.XdsState;
import dev.aigateway.db.model.Failover;
import dev.aigateway.db.secret.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastGoodXdsFileTest {
  private static final Instant SAVED = Instant.parse("2026-12-03T21:00:00Z");
  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @TempDir Path dir;

  private final byte[] key = randomKey();

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  private LastGoodXdsFile file(byte[] current, byte[]... previous) {
    return new LastGoodXdsFile(
        dir, new SecretCipher(current, List.of(previous)), Clock.fixed(SAVED, ZoneOffset.UTC));
  }

  private static XdsState state(long revision) {
    return new XdsState(
        revision,
        List.of(new XdsState.Fleet("default", 10000), new XdsState.Fleet("eu", 10001)),
        List.of(
            new XdsState.Provider("openai", "openai", "https://api.openai.com/v1"),
            new XdsState.Provider("vllm", "openai_compatible", "https://10.0.0.5:8000/v1", CA)),
        List.of(
            new XdsState.Model(
                "gpt-4o",
                new Failover(List.of("connect-failure", "5xx", "429"), 4, 30_000, 50, 500),
                List.of(
                    new XdsState.Target(
                        "0b5c6f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f", "openai", "gpt-4o", 3, 0),
                    new XdsState.Target(
                        "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716", "vllm", "qwen2.5", 1, 1))),
            new XdsState.Model("no-targets-yet", Failover.DEFAULTS, List.of())));
  }

  @Test
  void modelsTheirTargetsAndFailoverSurviveTheFileForThePerModelRoutes() {
    // The per-model routes and clusters (issue 19) are made from the models: a state restored
    // without them would answer every model with 404 during an outage.
    file(key).save(state(5));

    XdsState restored = ((LastGood.Loaded) file(key).load()).state();

    assertThat(restored.models()).isEqualTo(state(5).models()).hasSize(2);
    assertThat(restored.models().getFirst().targets())
        .extracting(XdsState.Target::provider, XdsState.Target::priority)
        .containsExactly(tuple("openai", 0), tuple("vllm", 1));
  }

  @Test
  void cooldownsAreNotPartOfTheLastGoodState() {
    // A cooldown lasts minutes at most; restored after an outage it would set a target aside
    // long after its provider said it could come back.
    XdsState cooling =
        state(6)
            .withCooldowns(
                java.util.Map.of("t-1", java.time.Instant.parse("2030-01-01T00:00:00Z")));
    file(key).save(cooling);

    XdsState restored = ((LastGood.Loaded) file(key).load()).state();

    assertThat(restored.cooldowns()).isEmpty();
    assertThat(restored).isEqualTo(state(6));
  }

  @Test
  void aSavedStateOpensToTheSameStateAndTheTimeItWasRead() {
    file(key).save(state(42));

    LastGood loaded = file(key).load();

    assertThat(loaded).isInstanceOf(LastGood.Loaded.class);
    LastGood.Loaded l = (LastGood.Loaded) loaded;
    assertThat(l.state()).isEqualTo(state(42));
    assertThat(l.savedAt()).isEqualTo(SAVED);
    assertThat(l.file()).isEqualTo(dir.resolve(LastGoodXdsFile.FILE_NAME));
  }

  @Test
  void theFileIsOwnerOnlySealedAndLeavesNoTemporaryFileBehind() throws Exception {
    file(key).save(state(1));
    file(key).save(state(2));

    Path saved = dir.resolve(LastGoodXdsFile.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(saved);
    }
    String raw = new String(Files.readAllBytes(saved), StandardCharsets.ISO_8859_1);
    assertThat(raw).startsWith("AGXDS").doesNotContain("api.openai.com").doesNotContain("default");
    assertThat(((LastGood.Loaded) file(key).load()).state().revision()).isEqualTo(2);
  }

  @Test
  void aTamperedFileIsRefusedWithAReasonAndNoState() throws Exception {
    file(key).save(state(7));
    Path saved = dir.resolve(LastGoodXdsFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(saved);
    bytes[bytes.length - 20] ^= 0x01; // one bit of the ciphertext
    Files.write(saved, bytes);

    LastGood loaded = file(key).load();

    assertThat(loaded).isInstanceOf(LastGood.Unusable.class);
    assertThat(((LastGood.Unusable) loaded).reason())
        .contains("cannot be opened with the configured secret key")
        .contains("altered");
  }

  @Test
  void aFileSealedWithAnotherKeyIsRefused() {
    file(randomKey()).save(state(7));

    LastGood loaded = file(key).load();

    assertThat(loaded).isInstanceOf(LastGood.Unusable.class);
    assertThat(((LastGood.Unusable) loaded).reason()).contains("GATEWAY_SECRET_KEY");
  }

  @Test
  void aFileSealedWithThePreviousKeyOpensDuringARotation() {
    byte[] old = randomKey();
    file(old).save(state(9));

    assertThat(file(key, old).load()).isInstanceOf(LastGood.Loaded.class);
  }

  @Test
  void aChangedFormatVersionOrForeignFileIsRefused() throws Exception {
    file(key).save(state(3));
    Path saved = dir.resolve(LastGoodXdsFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(saved);
    bytes[5] = 1; // the first format, which kept no models
    Files.write(saved, bytes);
    assertThat(((LastGood.Unusable) file(key).load()).reason())
        .contains("format version 1 (expected: 2)");

    Files.writeString(saved, "{\"revision\":3}");
    assertThat(((LastGood.Unusable) file(key).load()).reason())
        .contains("not a sealed xDS state file");

    Files.write(saved, new byte[] {'A', 'G', 'X', 'D', 'S', 2, (byte) 200});
    assertThat(((LastGood.Unusable) file(key).load()).reason()).contains("truncated");
  }

  @Test
  void noFileIsAbsentNotAnError() {
    assertThat(file(key).load()).isInstanceOf(LastGood.Absent.class);
  }
}
