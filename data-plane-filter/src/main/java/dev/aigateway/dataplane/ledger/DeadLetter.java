package dev.aigateway.dataplane.ledger;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.db.usage.LedgerEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a usage record the database refuses for its content (not for being down) is kept, with the
 * reason, so that it never blocks the records after it: {@code <dataDir>/spool/dead-letter.jsonl},
 * one JSON object per line, for an operator to inspect. It shares the spool's byte cap.
 */
final class DeadLetter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A corrupt spool line is kept up to this many characters. */
  private static final int MAX_LINE = 16 * 1024;

  private final Path file;
  private final Clock clock;
  private final long maxBytes;
  private final AtomicLong count = new AtomicLong();

  DeadLetter(Path dir, Clock clock, long maxBytes) {
    this.file = requireNonNull(dir, "dir").resolve("dead-letter.jsonl");
    this.clock = requireNonNull(clock, "clock");
    this.maxBytes = maxBytes;
  }

  /** Records quarantined since start. */
  long count() {
    return count.get();
  }

  Path file() {
    return file;
  }

  void entry(LedgerEntry entry, String reason) throws IOException {
    ObjectNode n = header(reason);
    n.set("entry", Spool.toJsonNode(entry));
    write(n);
  }

  void line(String line, String reason) throws IOException {
    ObjectNode n = header(reason);
    n.put("line", line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
    write(n);
  }

  private ObjectNode header(String reason) {
    ObjectNode n = JSON.createObjectNode();
    n.put("quarantined_at", clock.instant().toString());
    n.put("reason", reason);
    return n;
  }

  private synchronized void write(ObjectNode n) throws IOException {
    count.incrementAndGet();
    byte[] data = (n.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    if (Files.exists(file) && Files.size(file) + data.length > maxBytes) {
      // Full: the record is counted as quarantined, and its content is lost.
      throw new Spool.SpoolFullException(Files.size(file), maxBytes);
    }
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
  }
}
