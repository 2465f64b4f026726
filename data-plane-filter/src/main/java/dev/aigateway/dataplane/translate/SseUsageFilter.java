package dev.aigateway.dataplane.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads token usage from an OpenAI server-sent event stream, chunk by chunk. When the gateway asked
 * for {@code stream_options.include_usage} on the client's behalf, it also removes what that option
 * adds (the final usage-only event and the {@code "usage":null} field of every other event), so the
 * client receives exactly the stream it asked for.
 *
 * <p>Chunks may split events anywhere. When stripping, an incomplete event is held back and sent
 * with the next chunk, since every event must be seen whole before it is passed on; otherwise
 * chunks pass unchanged and only a copy of the incomplete tail is kept to read usage.
 */
final class SseUsageFilter {
  private static final byte[] USAGE_NAME = "\"usage\"".getBytes();
  private static final byte[] USAGE_NULL = ",\"usage\":null".getBytes();

  private final boolean strip;
  private static final byte[] EMPTY = new byte[0];
  private static final byte[] DATA_START = "{".getBytes();
  private static final int MAX_PENDING = 1 << 20;

  private byte[] pending = EMPTY;
  private @Nullable TokenUsage usage;

  SseUsageFilter(boolean strip) {
    this.strip = strip;
  }

  @Nullable TokenUsage usage() {
    return usage;
  }

  /** Processes one chunk; returns the bytes to forward, or null when the chunk passes unchanged. */
  byte @Nullable [] apply(byte[] chunk, boolean endOfStream) {
    return strip ? stripAndRead(chunk, endOfStream) : readOnly(chunk, endOfStream);
  }

  /** Without stripping, every chunk passes unchanged; events are reassembled only to read usage. */
  private byte @Nullable [] readOnly(byte[] chunk, boolean endOfStream) {
    byte[] data = concat(pending, chunk);
    int end = endOfStream ? data.length : lastBoundary(data);
    forEachEvent(data, 0, end, (from, to) -> readUsage(data, from, to));
    pending = end == data.length ? EMPTY : Arrays.copyOfRange(data, end, data.length);
    if (pending.length > MAX_PENDING) {
      pending = EMPTY; // an event this large is not a usage event; stop holding it
    }
    return null;
  }

  private byte @Nullable [] stripAndRead(byte[] chunk, boolean endOfStream) {
    boolean hadPending = pending.length > 0;
    byte[] data = concat(pending, chunk);
    int end = endOfStream ? data.length : lastBoundary(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream(end + 16);
    forEachEvent(
        data,
        0,
        end,
        (from, to) -> {
          if (readUsage(data, from, to) && isUsageOnly(data, from, to)) {
            return; // the extra event include_usage produced
          }
          writeWithoutUsageNull(out, data, from, to);
        });
    pending = end == data.length ? EMPTY : Arrays.copyOfRange(data, end, data.length);
    if (pending.length > MAX_PENDING) {
      // Not an event stream after all (no blank line in 1 MiB): stop holding bytes back.
      out.writeBytes(pending);
      pending = EMPTY;
    }
    if (!hadPending && pending.length == 0 && out.size() == data.length) {
      return null; // nothing removed or held back
    }
    return out.toByteArray();
  }

  /** Reads usage from an event if it has a usage object; true if it had one. */
  private boolean readUsage(byte[] data, int from, int to) {
    if (!hasUsageObject(data, from, to)) {
      return false;
    }
    int json = indexOf(data, from, to, DATA_START);
    if (json < 0) {
      return false;
    }
    TokenUsage found = OpenAiSupport.usageOf(data, json, to - json);
    if (found != null) {
      usage = found;
      return true;
    }
    return false;
  }

  /** True if the event has {@code "usage"} followed by an object (any spacing). */
  private static boolean hasUsageObject(byte[] data, int from, int to) {
    int at = from;
    int hit;
    while ((hit = indexOf(data, at, to, USAGE_NAME)) >= 0) {
      int i = hit + USAGE_NAME.length;
      while (i < to && (data[i] == ' ' || data[i] == ':' || data[i] == '\t')) {
        i++;
      }
      if (i < to && data[i] == '{') {
        return true;
      }
      at = hit + 1;
    }
    return false;
  }

  private static boolean isUsageOnly(byte[] data, int from, int to) {
    int json = indexOf(data, from, to, DATA_START);
    try {
      JsonNode node = OpenAiSupport.JSON.readTree(data, json, to - json);
      JsonNode choices = node.path("choices");
      return choices.isArray() && choices.isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void writeWithoutUsageNull(
      ByteArrayOutputStream out, byte[] data, int from, int to) {
    int at = from;
    int hit;
    while ((hit = indexOf(data, at, to, USAGE_NULL)) >= 0) {
      out.write(data, at, hit - at);
      at = hit + USAGE_NULL.length;
    }
    out.write(data, at, to - at);
  }

  @FunctionalInterface
  private interface EventSink {
    void accept(int from, int to);
  }

  /** Calls {@code sink} for each event in [from, to), boundaries included in the event. */
  private static void forEachEvent(byte[] data, int from, int to, EventSink sink) {
    int start = from;
    for (int i = from; i < to; i++) {
      if (data[i] == '\n') {
        int next = i + 1;
        if (next < to && data[next] == '\n') {
          sink.accept(start, next + 1);
          start = next + 1;
          i = next;
        } else if (next + 1 < to && data[next] == '\r' && data[next + 1] == '\n') {
          sink.accept(start, next + 2);
          start = next + 2;
          i = next + 1;
        }
      }
    }
    if (start < to) {
      sink.accept(start, to);
    }
  }

  /** The index just past the last blank line (event boundary), or 0 if there is none. */
  private static int lastBoundary(byte[] data) {
    for (int i = data.length - 1; i > 0; i--) {
      if (data[i] == '\n'
          && (data[i - 1] == '\n' || (i > 1 && data[i - 1] == '\r' && data[i - 2] == '\n'))) {
        return i + 1;
      }
    }
    return 0;
  }

  static int indexOf(byte[] data, int from, int to, byte[] pattern) {
    outer:
    for (int i = from; i <= to - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
