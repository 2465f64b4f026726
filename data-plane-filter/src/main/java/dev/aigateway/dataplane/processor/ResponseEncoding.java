package dev.aigateway.dataplane.processor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The content-encoding of a provider response. The gateway asks for {@code identity}; a provider
 * (or a front in between) that compresses anyway gets its buffered gzip/deflate body decoded, and
 * anything else refused, so translators never read compressed bytes as text.
 */
enum ResponseEncoding {
  IDENTITY,
  GZIP,
  DEFLATE,
  UNSUPPORTED;

  /** Decoded bodies are bounded like request bodies: a small compressed body may expand a lot. */
  static final long MAX_DECODED_BYTES = 64L * 1024 * 1024;

  static ResponseEncoding of(@Nullable String header) {
    if (header == null || header.isBlank()) {
      return IDENTITY;
    }
    return switch (header.trim().toLowerCase(Locale.ROOT)) {
      case "identity" -> IDENTITY;
      case "gzip", "x-gzip" -> GZIP;
      case "deflate" -> DEFLATE;
      default -> UNSUPPORTED;
    };
  }

  boolean decodable() {
    return this != UNSUPPORTED;
  }

  byte[] decode(byte[] body) throws IOException {
    InputStream in =
        switch (this) {
          case IDENTITY -> null;
          case GZIP -> new GZIPInputStream(new ByteArrayInputStream(body));
          case DEFLATE -> new InflaterInputStream(new ByteArrayInputStream(body));
          case UNSUPPORTED -> throw new IOException("unsupported content-encoding");
        };
    if (in == null) {
      return body;
    }
    try (in) {
      byte[] decoded = in.readNBytes((int) MAX_DECODED_BYTES + 1);
      if (decoded.length > MAX_DECODED_BYTES) {
        throw new IOException("decoded body over " + MAX_DECODED_BYTES + " bytes");
      }
      return decoded;
    }
  }
}
