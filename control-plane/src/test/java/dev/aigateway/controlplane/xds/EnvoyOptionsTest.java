package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvoyOptionsTest {
  @Test
  void unsetVariablesGiveTheDefaults() {
    assertThat(EnvoyOptions.fromEnvironment(Map.of())).isEqualTo(EnvoyOptions.DEFAULTS);
    assertThat(EnvoyOptions.DEFAULTS.bodyLimitBytes()).isGreaterThanOrEqualTo(16L << 20);
  }

  @Test
  void variablesOverrideEachSetting() {
    EnvoyOptions options =
        EnvoyOptions.fromEnvironment(
            Map.of(
                "GATEWAY_BODY_LIMIT_BYTES", "20971520",
                "GATEWAY_ENVOY_TRUSTED_CA", "/etc/pki/ca.pem",
                "GATEWAY_ENVOY_XFF_TRUSTED_HOPS", "2",
                "GATEWAY_ENVOY_MAX_STREAM_SECONDS", "7200"));
    assertThat(options.bodyLimitBytes()).isEqualTo(20L << 20);
    assertThat(options.trustedCaFile()).isEqualTo("/etc/pki/ca.pem");
    assertThat(options.xffNumTrustedHops()).isEqualTo(2);
    assertThat(options.maxStreamDuration().toSeconds()).isEqualTo(7200);
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(
            () -> EnvoyOptions.fromEnvironment(Map.of("GATEWAY_BODY_LIMIT_BYTES", "lots")))
        .hasMessageContaining("GATEWAY_BODY_LIMIT_BYTES");
    assertThatThrownBy(
            () -> EnvoyOptions.fromEnvironment(Map.of("GATEWAY_ENVOY_TRUSTED_CA", "certs.pem")))
        .hasMessageContaining("GATEWAY_ENVOY_TRUSTED_CA");
    assertThatThrownBy(
            () -> EnvoyOptions.fromEnvironment(Map.of("GATEWAY_ENVOY_XFF_TRUSTED_HOPS", "-1")))
        .hasMessageContaining("GATEWAY_ENVOY_XFF_TRUSTED_HOPS");
  }
}
