package dev.aigateway.dataplane.usage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the tokens of ordinary text with a tiktoken byte-pair encoding held in flat arrays: every
 * token's bytes in one array, and an open-addressing table from bytes to rank. For o200k_base that
 * is ~4 MiB where jtokkit's maps of boxed ranks and byte-array wrappers take ~23 MiB of heap, and
 * the counts are the same (BytePairCounterTest compares them with jtokkit's over varied text).
 *
 * <p>The ranks are read from the {@code .tiktoken} file jtokkit bundles (base64 bytes and rank per
 * line). Text is split by the encoding's pattern; a piece that is one token counts one, any other
 * is merged as tiktoken does: repeatedly the adjacent pair of lowest rank, leftmost first.
 */
final class BytePairCounter implements TokenCounter {
  /**
   * o200k_base's pre-tokenizing pattern (tiktoken's, as Java reads it: letters in upper/lower runs
   * with an optional contraction, numbers of up to 3 digits, punctuation runs, newlines, other
   * whitespace).
   */
  static final String O200K_PATTERN =
      String.join(
          "|",
          "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
              + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
          "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
              + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
          "\\p{N}{1,3}",
          " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
          "\\s*[\\r\\n]+",
          "\\s+(?!\\S)",
          "\\s+");

  /** Above this many bytes a piece is merged with a heap instead of rescanning every pair. */
  private static final int SCAN_LIMIT = 64;

  private static final int NONE = Integer.MAX_VALUE;

  private final Pattern pattern;

  /**
   * The bytes of every token, in rank order; token r is {@code bytes[offsets[r]..offsets[r+1])}.
   */
  private final byte[] bytes;

  private final int[] offsets;

  /** Open addressing, linear probing: rank + 1 of the token hashed there, 0 for an empty slot. */
  private final int[] slots;

  private final int mask;

  private BytePairCounter(Pattern pattern, byte[][] byRank) {
    this.pattern = pattern;
    int total = 0;
    int count = 0;
    for (byte[] token : byRank) {
      if (token != null) {
        total += token.length;
        count++;
      }
    }
    bytes = new byte[total];
    offsets = new int[byRank.length + 1];
    int capacity = Integer.highestOneBit(Math.max(count, 1) * 2 - 1) << 1;
    slots = new int[capacity];
    mask = capacity - 1;
    int at = 0;
    for (int rank = 0; rank < byRank.length; rank++) {
      offsets[rank] = at;
      byte[] token = byRank[rank];
      if (token == null) {
        continue; // a rank the file skips: an empty range no piece matches
      }
      System.arraycopy(token, 0, bytes, at, token.length);
      at += token.length;
      int slot = hash(token, 0, token.length) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = rank + 1;
    }
    offsets[byRank.length] = at;
  }

  /** o200k_base, with its ranks read from jtokkit's bundled file. */
  static BytePairCounter o200kBase() {
    return load(
        "/com/knuddels/jtokkit/o200k_base.tiktoken",
        Pattern.compile(O200K_PATTERN, Pattern.UNICODE_CHARACTER_CLASS));
  }

  static BytePairCounter load(String resource, Pattern pattern) {
    List<byte[]> tokens = new ArrayList<>(200_000);
    List<Integer> ranks = new ArrayList<>(200_000);
    int maxRank = -1;
    try (InputStream in = BytePairCounter.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("token ranks " + resource + " are not on the class path");
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
      Base64.Decoder base64 = Base64.getDecoder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          continue;
        }
        int space = line.indexOf(' ');
        if (space <= 0) {
          throw new IllegalStateException("token ranks " + resource + ": bad line: " + line);
        }
        int rank = Integer.parseInt(line, space + 1, line.length(), 10);
        tokens.add(base64.decode(line.substring(0, space)));
        ranks.add(rank);
        maxRank = Math.max(maxRank, rank);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("token ranks " + resource + " could not be read", e);
    }
    byte[][] byRank = new byte[maxRank + 1][];
    for (int i = 0; i < tokens.size(); i++) {
      byRank[ranks.get(i)] = tokens.get(i);
    }
    return new BytePairCounter(pattern, byRank);
  }

  @Override
  public int count(String text) {
    int tokens = 0;
    Matcher matcher = pattern.matcher(text);
    byte[] ascii = new byte[64];
    while (matcher.find()) {
      int start = matcher.start();
      int length = matcher.end() - start;
      if (length > ascii.length) {
        ascii = new byte[Math.max(length, ascii.length * 2)];
      }
      int i = 0;
      while (i < length && text.charAt(start + i) < 0x80) {
        ascii[i] = (byte) text.charAt(start + i);
        i++;
      }
      if (i == length) {
        tokens += countPiece(ascii, length); // most pieces: ASCII is its own UTF-8
      } else {
        // Through a String, as the encoders do: a lone surrogate becomes '?' in UTF-8.
        byte[] piece = text.substring(start, start + length).getBytes(StandardCharsets.UTF_8);
        tokens += countPiece(piece, piece.length);
      }
    }
    return tokens;
  }

  /** The tokens of {@code piece[0..n)}, one piece of the pattern's split. */
  int countPiece(byte[] piece, int n) {
    if (n == 0) {
      return 0;
    }
    if (rank(piece, 0, n) != NONE) {
      return 1;
    }
    return n <= SCAN_LIMIT ? mergeByScanning(piece, n) : mergeWithHeap(piece, n);
  }

  /** Tiktoken's merge: keep part starts and the rank of each part with its successor. */
  private int mergeByScanning(byte[] piece, int n) {
    int parts = n + 1; // starts[parts - 1] == n closes the last part
    int[] starts = new int[parts];
    int[] ranks = new int[parts];
    for (int i = 0; i < parts; i++) {
      starts[i] = i;
      ranks[i] = i + 2 <= n ? rank(piece, i, i + 2) : NONE;
    }
    while (true) {
      int best = -1;
      int bestRank = NONE;
      for (int i = 0; i < parts - 1; i++) {
        if (ranks[i] < bestRank) {
          bestRank = ranks[i];
          best = i;
        }
      }
      if (best < 0) {
        return parts - 1;
      }
      // Part best absorbs part best + 1; its pair is now with what followed that part.
      if (best > 0) {
        ranks[best - 1] = best + 2 < parts ? rank(piece, starts[best - 1], starts[best + 2]) : NONE;
      }
      ranks[best] = best + 3 < parts ? rank(piece, starts[best], starts[best + 3]) : NONE;
      System.arraycopy(starts, best + 2, starts, best + 1, parts - best - 2);
      System.arraycopy(ranks, best + 2, ranks, best + 1, parts - best - 2);
      parts--;
    }
  }

  /**
   * The same merges for a long piece, in O(n log n): parts as a linked list over their start
   * positions, candidate pairs in a heap ordered by (rank, position), so the lowest rank wins and
   * the leftmost among equals, as in the scan. A popped pair whose rank no longer matches its part
   * is stale: a part's pair only ever grows, so a live pair never repeats an old rank.
   */
  private int mergeWithHeap(byte[] piece, int n) {
    int[] next = new int[n + 1];
    int[] prev = new int[n + 1];
    int[] pairRank = new int[n + 1];
    LongHeap heap = new LongHeap(n);
    for (int i = 0; i <= n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      pairRank[i] = i + 2 <= n ? rank(piece, i, i + 2) : NONE;
      if (pairRank[i] != NONE) {
        heap.push(((long) pairRank[i] << 32) | i);
      }
    }
    int parts = n;
    while (!heap.isEmpty()) {
      long top = heap.pop();
      int at = (int) top;
      int rank = (int) (top >>> 32);
      if (pairRank[at] != rank) {
        continue;
      }
      int absorbed = next[at];
      next[at] = next[absorbed];
      prev[next[at]] = at;
      pairRank[absorbed] = NONE;
      parts--;
      pairRank[at] = next[at] < n ? rank(piece, at, next[next[at]]) : NONE;
      if (pairRank[at] != NONE) {
        heap.push(((long) pairRank[at] << 32) | at);
      }
      if (at > 0) {
        int before = prev[at];
        pairRank[before] = rank(piece, before, next[at]);
        if (pairRank[before] != NONE) {
          heap.push(((long) pairRank[before] << 32) | before);
        }
      }
    }
    return parts;
  }

  /** The rank of {@code piece[from..to)}, or NONE when it is not a token. */
  private int rank(byte[] piece, int from, int to) {
    int length = to - from;
    int slot = hash(piece, from, to) & mask;
    while (true) {
      int entry = slots[slot];
      if (entry == 0) {
        return NONE;
      }
      int rank = entry - 1;
      int start = offsets[rank];
      if (offsets[rank + 1] - start == length
          && Arrays.equals(bytes, start, start + length, piece, from, to)) {
        return rank;
      }
      slot = (slot + 1) & mask;
    }
  }

  private static int hash(byte[] data, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h = (h ^ (data[i] & 0xff)) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }

  /** A binary min-heap of longs. */
  private static final class LongHeap {
    private long[] items;
    private int size;

    LongHeap(int capacity) {
      items = new long[Math.max(capacity, 4)];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(long item) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (items[parent] <= item) {
          break;
        }
        items[i] = items[parent];
        i = parent;
      }
      items[i] = item;
    }

    long pop() {
      long top = items[0];
      long last = items[--size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && items[child + 1] < items[child]) {
          child++;
        }
        if (last <= items[child]) {
          break;
        }
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
      return top;
    }
  }
}
