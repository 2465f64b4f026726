package dev.aigateway.dataplane.telemetry;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@code "model"} a response names without parsing it: inside a JSON string a quote is
 * escaped, so an unescaped {@code "model"} followed by a colon is a key. The first one is the
 * top-level field in OpenAI's and Anthropic's answers and in the first chunk of their streams.
 */
final class ResponseModel {
  private static final byte[] KEY = "\"model\"".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_LENGTH = 256;

  private ResponseModel() {}

  static @Nullable String find(byte[] body) {
    outer:
    for (int i = 0; i + KEY.length <= body.length; i++) {
      for (int k = 0; k < KEY.length; k++) {
        if (body[i + k] != KEY[k]) {
          continue outer;
        }
      }
      int p = skipSpace(body, i + KEY.length);
      if (p >= body.length || body[p] != ':') {
        continue;
      }
      p = skipSpace(body, p + 1);
      if (p >= body.length || body[p] != '"') {
        continue;
      }
      int start = p + 1;
      for (int end = start; end < body.length && end - start <= MAX_LENGTH; end++) {
        if (body[end] == '\\') {
          return null; // escapes in a model name: not worth decoding
        }
        if (body[end] == '"') {
          return new String(body, start, end - start, StandardCharsets.UTF_8);
        }
      }
      return null;
    }
    return null;
  }

  private static int skipSpace(byte[] body, int p) {
    while (p < body.length
        && (body[p] == ' ' || body[p] == '\n' || body[p] == '\r' || body[p] == '\t')) {
      p++;
    }
    return p;
  }
}
