package dev.aigateway.dataplane.translate.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a server-sent event stream that arrives in arbitrary chunks into the {@code data} payloads
 * of whole events (multi-line data joined with newlines); the incomplete tail is kept for the next
 * chunk.
 */
public final class SseReader {
  private static final int MAX_PENDING = 16 << 20;
  private byte[] pendingBytes = new byte[0];

  /** The data payloads of the events completed by this chunk (all remaining ones at the end). */
  public List<String> feed(byte[] chunk, boolean endOfStream) {
    // Bytes, not text, are held: a chunk may end inside a multi-byte UTF-8 character, and only
    // whole events (which end in ASCII newlines) are decoded.
    pendingBytes = concat(pendingBytes, chunk);
    int end = endOfStream ? pendingBytes.length : lastBoundary(pendingBytes);
    String complete = new String(pendingBytes, 0, end, StandardCharsets.UTF_8);
    pendingBytes = java.util.Arrays.copyOfRange(pendingBytes, end, pendingBytes.length);
    if (pendingBytes.length > MAX_PENDING) {
      throw new IllegalStateException("server-sent event larger than " + MAX_PENDING + " bytes");
    }
    List<String> events = new ArrayList<>();
    for (String event : complete.replace("\r\n", "\n").split("\n\n")) {
      StringBuilder data = new StringBuilder();
      for (String line : event.split("\n")) {
        if (line.startsWith("data:")) {
          if (!data.isEmpty()) {
            data.append('\n');
          }
          String value = line.substring(5);
          data.append(value.startsWith(" ") ? value.substring(1) : value);
        }
      }
      if (!data.isEmpty()) {
        events.add(data.toString());
      }
    }
    return events;
  }

  private static int lastBoundary(byte[] data) {
    for (int i = data.length - 1; i > 0; i--) {
      if (data[i] == '\n'
          && (data[i - 1] == '\n' || (i > 1 && data[i - 1] == '\r' && data[i - 2] == '\n'))) {
        return i + 1;
      }
    }
    return 0;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] result = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
