package dev.aigateway.dataplane.store.file;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.quota.CounterMemory;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quota counters this replica last read, as JSON in {@code DATA_DIR/quota-counters.json} (quota
 * ids, totals, and the deltas the store had not confirmed when the replica stopped; no secret;
 * owner-only all the same), replaced atomically.
 */
public final class CounterFile implements CounterMemory {
  private static final Logger log = LoggerFactory.getLogger(CounterFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE_NAME = "quota-counters.json";

  private final Path file;

  public CounterFile(Path dataDir) {
    this.file = requireNonNull(dataDir, "dataDir").resolve(FILE_NAME);
  }

  @Override
  public void save(Remembered state) {
    ObjectNode root = JSON.createObjectNode();
    root.put("live_replicas", state.liveReplicas());
    ArrayNode counters = root.putArray("counters");
    for (Counter c : state.counters()) {
      counters
          .addObject()
          .put("quota_id", c.key().quotaId().toString())
          .put("window_start", c.key().windowStart().toString())
          .put("window_end", c.windowEnd().toString())
          .put("used", c.used())
          .put("version", c.version())
          .put("unconfirmed", c.unconfirmed());
    }
    try {
      OwnerOnlyFiles.replace(file, ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
    } catch (IOException | RuntimeException e) {
      log.warn("could not save the quota counters to {}: {}", file, e.toString());
    }
  }

  @Override
  public Remembered load() {
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      List<Counter> counters = new ArrayList<>();
      for (JsonNode n : root.required("counters")) {
        counters.add(
            new Counter(
                new CounterKey(
                    UUID.fromString(n.required("quota_id").asText()),
                    Instant.parse(n.required("window_start").asText())),
                Instant.parse(n.required("window_end").asText()),
                n.required("used").asLong(),
                n.required("version").asLong(),
                // absent in files written before unconfirmed deltas were kept
                n.path("unconfirmed").asLong(0)));
      }
      return new Remembered(root.required("live_replicas").asInt(), counters);
    } catch (NoSuchFileException e) {
      return CounterMemory.NONE.load();
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring the unreadable quota counters file {}: {}", file, e.toString());
      return CounterMemory.NONE.load();
    }
  }
}
