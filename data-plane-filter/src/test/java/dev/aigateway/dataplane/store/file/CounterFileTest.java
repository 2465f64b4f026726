package dev.aigateway.dataplane.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.quota.CounterMemory;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CounterFileTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant END = Instant.parse("2026-11-25T10:01:00Z");

  @TempDir Path dataDir;

  @Test
  void totalsAndTheDeltasTheStoreDidNotConfirmSurviveARestart() throws Exception {
    CounterKey read = new CounterKey(UUID.randomUUID(), START);
    CounterKey neverRead = new CounterKey(UUID.randomUUID(), START);
    CounterMemory.Remembered kept =
        new CounterMemory.Remembered(
            3,
            List.of(
                new CounterMemory.Counter(read, END, 7_160, 42, 310),
                new CounterMemory.Counter(neverRead, END, 0, CounterMemory.NEVER_READ, 95)));

    new CounterFile(dataDir).save(kept);

    assertThat(new CounterFile(dataDir).load()).isEqualTo(kept);
    Path file = dataDir.resolve(CounterFile.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aFileFromBeforeUnconfirmedDeltasWereKeptLoadsWithNone() throws Exception {
    UUID quota = UUID.randomUUID();
    Files.writeString(
        dataDir.resolve(CounterFile.FILE_NAME),
        "{\"live_replicas\":2,\"counters\":[{\"quota_id\":\""
            + quota
            + "\",\"window_start\":\""
            + START
            + "\",\"window_end\":\""
            + END
            + "\",\"used\":900,\"version\":7}]}");

    assertThat(new CounterFile(dataDir).load())
        .isEqualTo(
            new CounterMemory.Remembered(
                2,
                List.of(new CounterMemory.Counter(new CounterKey(quota, START), END, 900, 7, 0))));
  }

  @Test
  void anUnreadableFileIsIgnoredAsIfThereWereNone() throws Exception {
    Files.writeString(dataDir.resolve(CounterFile.FILE_NAME), "{\"live_replicas\":");

    assertThat(new CounterFile(dataDir).load()).isEqualTo(CounterMemory.NONE.load());
  }
}
