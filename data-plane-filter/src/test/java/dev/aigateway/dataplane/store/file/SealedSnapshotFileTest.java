package dev.aigateway.dataplane.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aigateway.dataplane.config.ClientKey;
import dev.aigateway.dataplane.config.ConfigSnapshot;
import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.config.UpstreamCredential;
import dev.aigateway.dataplane.quota.Prices;
import dev.aigateway.dataplane.quota.QuotaConfig;
import dev.aigateway.dataplane.quota.QuotaRule;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.vocabulary.key.KeyHash;
import dev.aigateway.vocabulary.provider.CredentialKind;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SealedSnapshotFileTest {
  private static final byte[] KEY = key(1);
  private static final String SECRET = "sk-provider-secret-value-42";

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(SealedSnapshotFile.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  @Test
  void aSnapshotComesBackExactlyAsItWasSealed() throws Exception {
    ConfigSnapshot snapshot = snapshot();
    SealedSnapshotFile file = new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of()));
    file.save(snapshot);

    ConfigSnapshot back = file.read().orElseThrow();
    assertThat(back).isEqualTo(snapshot);
    assertThat(back.keyByHash(KeyHash.of("sk-gw-known"))).isNotNull();
    // A provider quota and the target ids its cooldown names survive the file.
    assertThat(back.quotas().ofProvider("openai-main", "chat")).hasSize(1);
    assertThat(back.targetIds("openai-main", null))
        .containsExactlyInAnyOrder(
            "00000000-0000-0000-0000-000000000006", "00000000-0000-0000-0000-000000000007");
    assertThat(back.model("chat").targets()).hasSize(2);
    assertThat(back.quotas().pricesOf("chat").costUsd(1_000_000, 0, 0))
        .isEqualByComparingTo("0.15");
    // Sealed: neither the provider secret nor a key name is readable in the file.
    String raw = new String(Files.readAllBytes(file.file()), StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain(SECRET).doesNotContain("chat").startsWith("AIGWCFG1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())))
        .isEqualTo("rw-------");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .containsExactly(SealedSnapshotFile.FILE_NAME);
  }

  @Test
  void aNewerSaveReplacesTheOldCopyWhole() {
    SealedSnapshotFile file = new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of()));
    file.save(snapshot());
    ConfigSnapshot empty = new ConfigSnapshot(9, Map.of(), Map.of(), Map.of());
    file.save(empty);
    assertThat(file.read()).contains(empty);
  }

  @Test
  void aTamperedFileIsRefusedWithOneLogLineNamingNoSecret() throws Exception {
    SealedSnapshotFile file = new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of()));
    file.save(snapshot());
    byte[] bytes = Files.readAllBytes(file.file());
    bytes[bytes.length - 20] ^= 0x01;
    Files.write(file.file(), bytes);

    assertThat(file.read()).isEmpty();
    assertThat(refusals())
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .contains("refused", "altered", "waiting for the database")
                    .doesNotContain(SECRET));
  }

  @Test
  void aFileSealedWithAnotherKeyIsRefused() {
    new SealedSnapshotFile(dir, new SecretCipher(key(2), List.of())).save(snapshot());
    SealedSnapshotFile file = new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of()));

    assertThat(file.read()).isEmpty();
    assertThat(refusals())
        .singleElement()
        .satisfies(m -> assertThat(m).contains("no secret key with id").doesNotContain(SECRET));
  }

  @Test
  void aFileSealedWithThePreviousKeyOpensDuringARotation() {
    new SealedSnapshotFile(dir, new SecretCipher(key(2), List.of())).save(snapshot());
    SealedSnapshotFile file = new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of(key(2))));
    assertThat(file.read()).contains(snapshot());
  }

  @Test
  void aFileOfAnotherFormatVersionIsRefused() throws Exception {
    SealedSnapshotFile file = new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of()));
    file.save(snapshot());
    byte[] bytes = Files.readAllBytes(file.file());
    ByteBuffer.wrap(bytes).putInt(SealedSnapshotFile.MAGIC.length, 2);
    Files.write(file.file(), bytes);

    assertThat(file.read()).isEmpty();
    assertThat(refusals())
        .singleElement()
        .satisfies(m -> assertThat(m).contains("format version 2, this build reads version 1"));
  }

  @Test
  void noFileIsNotAnError() {
    assertThat(new SealedSnapshotFile(dir, new SecretCipher(KEY, List.of())).read()).isEmpty();
    assertThat(refusals()).isEmpty();
  }

  private List<String> refusals() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) seed);
    return key;
  }

  static ConfigSnapshot snapshot() {
    UUID team = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    ProviderConfig provider =
        new ProviderConfig(
            UUID.fromString("00000000-0000-0000-0000-000000000001"),
            "openai-main",
            ProviderSchema.fromWire("openai").orElseThrow(),
            "openai",
            "https://api.openai.com/v1",
            "/v1",
            Map.of("organization", "org-1"),
            List.of(
                new UpstreamCredential(
                    UUID.fromString("00000000-0000-0000-0000-000000000002"),
                    CredentialKind.API_KEY,
                    "...42",
                    Map.of("api_key", SECRET))));
    ModelConfig model =
        ModelConfig.of(
            UUID.fromString("00000000-0000-0000-0000-000000000003"),
            "chat",
            1_700_000_000L,
            List.of(
                new ModelTarget(
                    provider, "gpt-5-nano", 3, 1, "00000000-0000-0000-0000-000000000006"),
                // A fallback (a later priority) must survive the file too: a restart during an
                // outage would otherwise lose failover.
                new ModelTarget(
                    provider, "gpt-5-mini", 1, 2, "00000000-0000-0000-0000-000000000007")));
    ClientKey known =
        new ClientKey(
            UUID.fromString("00000000-0000-0000-0000-000000000004"),
            "known",
            team,
            "sk-gw-kno",
            Set.of("chat"),
            Instant.parse("2030-01-01T00:00:00Z"),
            null);
    QuotaRule rule =
        new QuotaRule(
            UUID.fromString("00000000-0000-0000-0000-000000000005"),
            QuotaRule.Scope.TEAM,
            team,
            null,
            QuotaMetric.COST_USD,
            QuotaWindow.DAY,
            5_000_000_000L);
    QuotaRule providerRule =
        new QuotaRule(
            UUID.fromString("00000000-0000-0000-0000-000000000007"),
            QuotaRule.Scope.PROVIDER,
            provider.id(),
            null,
            QuotaMetric.TOTAL_TOKENS,
            QuotaWindow.MONTH,
            1_000_000L);
    return new ConfigSnapshot(
        7,
        Map.of(provider.name(), provider),
        Map.of(model.name(), model),
        Map.of(KeyHash.hex("sk-gw-known"), known),
        new QuotaConfig(
            7,
            List.of(rule, providerRule),
            Map.of("chat", new Prices(new BigDecimal("0.15"), new BigDecimal("0.60"), null)),
            Map.of(provider.name(), provider.id())));
  }
}
