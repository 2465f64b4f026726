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

/**
 * Append-only files of ledger entries written while the database cannot take them (one JSON object
 * per line, fsync'd before {@link #append} returns). Files are replayed oldest first and deleted
 * only after their entries are committed or quarantined. The spool never grows past its cap: an
 * append that would pass it is refused with {@link SpoolFullException}.
 */
public class Spool {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sealed file's entries, and the lines that could not be read back (torn or corrupt). */
  public record Contents(List<LedgerEntry> entries, List<String> badLines) {}

  /** The spool is at its cap; nothing was written. */
  public static final class SpoolFullException extends IOException {
    SpoolFullException(long bytes, long cap) {
      super("usage spool full: " + bytes + " of " + cap + " bytes");
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final AtomicLong depth = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private long sequence;
  private @Nullable Path active;

  public Spool(Path dir, long maxBytes) {
    this.dir = requireNonNull(dir, "dir");
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(dir);
      for (Path file : files()) {
        Contents c = read(file);
        depth.addAndGet(c.entries().size() + c.badLines().size());
        bytes.addAndGet(Files.size(file));
        sequence = Math.max(sequence, sequenceOf(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the usage spool at " + dir, e);
    }
  }

  /** Entries (and unreadable lines) waiting in the spool. */
  public long depth() {
    return depth.get();
  }

  /** Bytes the spool's files hold. */
  public long bytes() {
    return bytes.get();
  }

  /** The cap on {@link #bytes}. */
  public long maxBytes() {
    return maxBytes;
  }

  public boolean isEmpty() {
    return depth.get() == 0;
  }

  /**
   * Appends and fsyncs {@code entries}, all or none.
   *
   * @throws SpoolFullException when they would take the spool past its cap
   */
  public synchronized void append(List<LedgerEntry> entries) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (LedgerEntry e : entries) {
      lines.append(toJson(e)).append('\n');
    }
    byte[] data = lines.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.get() + data.length > maxBytes) {
      throw new SpoolFullException(bytes.get(), maxBytes);
    }
    if (active == null) {
      active = dir.resolve(String.format("ledger-%019d.jsonl", ++sequence));
    }
    try (FileChannel ch =
        FileChannel.open(
            active,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
    depth.addAndGet(entries.size());
    bytes.addAndGet(data.length);
  }

  /**
   * The files to replay, oldest first; later appends go to a new file, so these no longer change.
   */
  public synchronized List<Path> seal() throws IOException {
    active = null;
    return files();
  }

  /** The entries of a sealed file, in order, and the lines that are not entries. */
  public Contents read(Path file) throws IOException {
    List<LedgerEntry> entries = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(fromJson(JSON.readTree(line)));
      } catch (IOException | RuntimeException e) {
        bad.add(line);
      }
    }
    return new Contents(entries, bad);
  }

  /** Deletes a replayed file whose {@code count} lines are committed or quarantined. */
  public void delete(Path file, int count) throws IOException {
    long size = Files.exists(file) ? Files.size(file) : 0;
    Files.deleteIfExists(file);
    depth.addAndGet(-count);
    bytes.addAndGet(-size);
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

  static ObjectNode toJsonNode(LedgerEntry e) {
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
    n.put("client_request_id", e.clientRequestId());
    n.put("input_api", e.inputApi());
    n.put("attempt", e.attempt());
    n.put("target", e.target());
    return n;
  }

  static String toJson(LedgerEntry e) {
    return toJsonNode(e).toString();
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
        text(n.get("client_request_id")),
        text(n.get("input_api")),
        // Lines spooled before failover (issue 19) metered the only attempt of their request.
        n.hasNonNull("attempt") ? n.get("attempt").asInt() : 1,
        text(n.get("target")));
  }

  private static @Nullable UUID uuid(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : UUID.fromString(n.asText());
  }

  private static @Nullable String text(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
