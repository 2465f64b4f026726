package dev.aigateway.launcher;

import dev.aigateway.controlplane.ControlPlaneSecurity;
import dev.aigateway.tls.TlsFiles;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** What the admin port exposes without the admin token, and which providers it may target. */
final class AdminSecurityOptions {
  /** Shorter tokens are refused: the same floor as the admin token. */
  static final int MIN_TOKEN_LENGTH = 32;

  @Option(
      names = "--allow-private-upstreams",
      defaultValue = "${env:GATEWAY_ALLOW_PRIVATE_UPSTREAMS:-false}",
      description =
          "Let provider base URLs name private, loopback and unique-local addresses (self-hosted"
              + " vLLM/Ollama on the internal network) (GATEWAY_ALLOW_PRIVATE_UPSTREAMS, default:"
              + " ${DEFAULT-VALUE}). Cloud metadata and link-local addresses stay refused.")
  boolean allowPrivateUpstreams;

  /** Only from the environment: a token on the command line would show in process lists. */
  @Nullable String metricsToken = System.getenv("GATEWAY_METRICS_TOKEN");

  ControlPlaneSecurity security(@Nullable TlsFiles xdsTls, @Nullable TlsFiles envoyTls) {
    return new ControlPlaneSecurity(
        xdsTls, envoyTls, checkedMetricsToken(metricsToken), allowPrivateUpstreams);
  }

  /** {@code GATEWAY_METRICS_TOKEN}, checked; null when unset (for processes without an API). */
  static @Nullable String metricsTokenFromEnvironment() {
    return checkedMetricsToken(System.getenv("GATEWAY_METRICS_TOKEN"));
  }

  private static @Nullable String checkedMetricsToken(@Nullable String value) {
    String token = value == null || value.isEmpty() ? null : value;
    Settings.require(
        token == null || token.length() >= MIN_TOKEN_LENGTH,
        "GATEWAY_METRICS_TOKEN must be at least " + MIN_TOKEN_LENGTH + " characters");
    return token;
  }
}
