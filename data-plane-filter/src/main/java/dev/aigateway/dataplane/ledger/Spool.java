package dev.aigateway.dataplane.ledger;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.db.usage.LedgerEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only files of ledger entries written while the database cannot take them (one JSON object
 * per line, fsync'd before {@link #append} returns). Files are replayed oldest first and deleted
 * only after their entries are committed; a line torn by a crash is skipped.
 */
public final class Spool {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final AtomicLong depth = new AtomicLong();
  private long sequence;
  private @Nullable Path active;

  public Spool(Path dir) {
    this.dir = requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      for (Path file : files()) {
        depth.addAndGet(read(file).size());
        sequence = Math.max(sequence, sequenceOf(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the usage spool at " + dir, e);
    }
  }

  /** Entries waiting in the spool. */
  public long depth() {
    return depth.get();
  }

  public boolean isEmpty() {
    return depth.get() == 0;
  }

  /** Appends and fsyncs {@code entries}. */
  public synchronized void append(List<LedgerEntry> entries) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    if (active == null) {
      active = dir.resolve(String.format("ledger-%019d.jsonl", ++sequence));
    }
    StringBuilder lines = new StringBuilder();
    for (LedgerEntry e : entries) {
      lines.append(toJson(e)).append('\n');
    }
    try (FileChannel ch =
        FileChannel.open(
            active,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
    depth.addAndGet(entries.size());
  }

  /**
   * The files to replay, oldest first; later appends go to a new file, so these no longer change.
   */
  public synchronized List<Path> seal() throws IOException {
    active = null;
    return files();
  }

  /** The entries of a sealed file, in order. */
  public List<LedgerEntry> read(Path file) throws IOException {
    List<LedgerEntry> entries = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(fromJson(JSON.readTree(line)));
      } catch (IOException | RuntimeException e) {
        log.warn("skipping a torn line in the usage spool file {}", file.getFileName());
      }
    }
    return entries;
  }

  /** Deletes a replayed file whose {@code count} entries are committed. */
  public void delete(Path file, int count) throws IOException {
    Files.deleteIfExists(file);
    depth.addAndGet(-count);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("ledger-\\d+\\.jsonl"))
          .sorted()
          .toList();
    }
  }

  private static long sequenceOf(Path file) {
    String name = file.getFileName().toString();
    return Long.parseLong(name.substring("ledger-".length(), name.length() - ".jsonl".length()));
  }

  static String toJson(LedgerEntry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", e.time().toString());
    n.put("request_id", e.requestId());
    n.put("key_id", e.keyId() == null ? null : e.keyId().toString());
    n.put("team_id", e.teamId() == null ? null : e.teamId().toString());
    n.put("model", e.model());
    n.put("provider", e.provider());
    n.put("upstream_model", e.upstreamModel());
    n.put("input_tokens", e.inputTokens());
    n.put("output_tokens", e.outputTokens());
    n.put("cached_tokens", e.cachedTokens());
    n.put("cost_usd", e.costUsd().toPlainString());
    n.put("status", e.status());
    n.put("latency_ms", e.latencyMs());
    n.put("streamed", e.streamed());
    n.put("input_api", e.inputApi());
    return n.toString();
  }

  static LedgerEntry fromJson(JsonNode n) {
    return new LedgerEntry(
        Instant.parse(n.get("time").asText()),
        n.get("request_id").asText(),
        uuid(n.get("key_id")),
        uuid(n.get("team_id")),
        text(n.get("model")),
        text(n.get("provider")),
        text(n.get("upstream_model")),
        n.get("input_tokens").asLong(),
        n.get("output_tokens").asLong(),
        n.get("cached_tokens").asLong(),
        new BigDecimal(n.get("cost_usd").asText()),
        n.get("status").asInt(),
        n.get("latency_ms").asLong(),
        n.get("streamed").asBoolean(),
        text(n.get("input_api")));
  }

  private static @Nullable UUID uuid(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : UUID.fromString(n.asText());
  }

  private static @Nullable String text(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
