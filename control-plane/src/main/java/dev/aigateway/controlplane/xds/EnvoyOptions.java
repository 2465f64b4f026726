package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * Fleet-wide settings of the generated Envoy config that operators may need to change for their
 * Envoy image or network (docs/envoy.md explains each).
 *
 * @param bodyLimitBytes the one body limit: listener and cluster buffer limits (a buffered body
 *     above it is refused by Envoy), and the ext_proc's own limit and gRPC message size read the
 *     same value ({@code GATEWAY_BODY_LIMIT_BYTES})
 * @param trustedCaFile CA bundle Envoy verifies https providers with, a path inside the Envoy
 *     container; the official envoy and distroless images have the default
 * @param xffNumTrustedHops how many proxies in front of Envoy append to {@code x-forwarded-for}; 0
 *     when clients connect to Envoy directly
 * @param maxStreamDuration hard cap on one provider request (silent reasoning completions can take
 *     many minutes, so there is no idle timeout on provider routes)
 */
public record EnvoyOptions(
    long bodyLimitBytes, String trustedCaFile, int xffNumTrustedHops, Duration maxStreamDuration) {

  /** ai-gateway's limit: room for base64 images in requests and large embedding responses. */
  public static final long DEFAULT_BODY_LIMIT_BYTES = 50L * 1024 * 1024;

  /** Debian's bundle, present in envoyproxy/envoy and envoyproxy/envoy-distroless images. */
  public static final String DEFAULT_TRUSTED_CA = "/etc/ssl/certs/ca-certificates.crt";

  public static final Duration DEFAULT_MAX_STREAM_DURATION = Duration.ofHours(1);

  public static final EnvoyOptions DEFAULTS =
      new EnvoyOptions(
          DEFAULT_BODY_LIMIT_BYTES, DEFAULT_TRUSTED_CA, 0, DEFAULT_MAX_STREAM_DURATION);

  public EnvoyOptions {
    requireNonNull(trustedCaFile, "trustedCaFile");
    requireNonNull(maxStreamDuration, "maxStreamDuration");
    // Envoy's buffer limits are uint32.
    if (bodyLimitBytes < 1024 * 1024 || bodyLimitBytes > 0xFFFF_FFFFL - (1 << 20)) {
      throw new IllegalArgumentException(
          "GATEWAY_BODY_LIMIT_BYTES: " + bodyLimitBytes + " (expected: 1 MiB .. 4 GiB - 1 MiB)");
    }
    if (!trustedCaFile.startsWith("/")) {
      throw new IllegalArgumentException(
          "GATEWAY_ENVOY_TRUSTED_CA: " + trustedCaFile + " (expected: an absolute path)");
    }
    if (xffNumTrustedHops < 0 || xffNumTrustedHops > 10) {
      throw new IllegalArgumentException(
          "GATEWAY_ENVOY_XFF_TRUSTED_HOPS: " + xffNumTrustedHops + " (expected: 0..10)");
    }
    if (maxStreamDuration.toSeconds() < 60) {
      throw new IllegalArgumentException(
          "GATEWAY_ENVOY_MAX_STREAM_SECONDS: "
              + maxStreamDuration.toSeconds()
              + " (expected: >= 60)");
    }
  }

  /** Reads the {@code GATEWAY_*} variables named above; unset ones keep their default. */
  public static EnvoyOptions fromEnvironment(Map<String, String> env) {
    return new EnvoyOptions(
        number(env, "GATEWAY_BODY_LIMIT_BYTES", DEFAULT_BODY_LIMIT_BYTES),
        env.getOrDefault("GATEWAY_ENVOY_TRUSTED_CA", DEFAULT_TRUSTED_CA),
        (int) number(env, "GATEWAY_ENVOY_XFF_TRUSTED_HOPS", 0),
        Duration.ofSeconds(
            number(
                env, "GATEWAY_ENVOY_MAX_STREAM_SECONDS", DEFAULT_MAX_STREAM_DURATION.toSeconds())));
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a whole number)");
    }
  }
}
