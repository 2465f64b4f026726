package dev.aigateway.dataplane.translate.gemini;

import org.jspecify.annotations.Nullable;

/**
 * Carries a Gemini {@code thoughtSignature} through an OpenAI client inside the tool call id, the
 * one field of a tool call that OpenAI clients echo back unchanged.
 *
 * <p>Gemini 3 returns a signature on a {@code functionCall} part (for parallel calls, on the first
 * one only) and rejects the next request with a 4xx when that part comes back without it. Scheme:
 * {@code <call id>.ts.<signature in base64url without padding>}. The signature is base64 already;
 * only its alphabet changes ({@code +/} to {@code -_}, padding dropped), so decoding restores the
 * exact string. A call id without the marker has no signature. The marker cannot occur inside the
 * encoded signature ('.' is not in the base64url alphabet), so the last marker splits the id.
 */
final class ThoughtSignatures {
  private static final String MARKER = ".ts.";

  private ThoughtSignatures() {}

  /** A tool call id that carries the signature (or the bare id when there is none). */
  static String encode(String callId, @Nullable String signature) {
    if (signature == null || signature.isEmpty()) {
      return callId;
    }
    String urlSafe = signature.replace('+', '-').replace('/', '_');
    int end = urlSafe.length();
    while (end > 0 && urlSafe.charAt(end - 1) == '=') {
      end--;
    }
    return callId + MARKER + urlSafe.substring(0, end);
  }

  /** The signature carried by a tool call id, or null when it carries none. */
  static @Nullable String decode(String toolCallId) {
    int at = toolCallId.lastIndexOf(MARKER);
    if (at < 0) {
      return null;
    }
    String encoded = toolCallId.substring(at + MARKER.length());
    if (encoded.isEmpty() || !encoded.chars().allMatch(ThoughtSignatures::isBase64Url)) {
      return null;
    }
    StringBuilder signature = new StringBuilder(encoded.replace('-', '+').replace('_', '/'));
    while (signature.length() % 4 != 0) {
      signature.append('=');
    }
    return signature.toString();
  }

  private static boolean isBase64Url(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
