package dev.aigateway.dataplane.usage;

import org.jspecify.annotations.Nullable;

/**
 * Cleans a client-supplied string before it is stored or logged: control characters (NUL among
 * them, which PostgreSQL text refuses) and lone surrogates (not encodable in UTF-8) become {@code
 * '?'}, and the result is cut to a length every column and index can hold. One 6,000-character
 * {@code x-request-id} once made the ledger's batch insert fail for everyone (index rows are
 * limited to about 2.7 KB).
 */
public final class ClientText {
  /** Model names: the longest configured name in practice is far below this. */
  public static final int MODEL_MAX = 256;

  /** Request ids: a UUID, a trace id or a ULID all fit. */
  public static final int REQUEST_ID_MAX = 128;

  private ClientText() {}

  /** {@code value} cleaned and cut to {@code max} characters (a cut ends with "..."), or null. */
  public static @Nullable String clean(@Nullable String value, int max) {
    if (value == null) {
      return null;
    }
    if (max < 4) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 4)");
    }
    boolean cut = value.length() > max;
    int end = cut ? max - 3 : value.length();
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)) {
        bad = i + 1 >= end || !Character.isLowSurrogate(value.charAt(i + 1));
        if (!bad) {
          if (out != null) {
            out.append(c).append(value.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        bad = Character.isLowSurrogate(c) || Character.isISOControl(c);
      }
      if (bad && out == null) {
        out = new StringBuilder(end).append(value, 0, i);
      }
      if (out != null) {
        out.append(bad ? '?' : c);
      }
    }
    if (out == null && !cut) {
      return value;
    }
    String cleaned = out != null ? out.toString() : value.substring(0, end);
    return cut ? cleaned + "..." : cleaned;
  }
}
