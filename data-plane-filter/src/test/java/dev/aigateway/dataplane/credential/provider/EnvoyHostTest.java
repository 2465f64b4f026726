package dev.aigateway.dataplane.credential.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The host a SigV4 signature covers is exactly the one Envoy's host_rewrite_literal sends (the
 * control plane's UpstreamEndpoint.hostHeader follows the same rule; GeneratedEnvoyConfigTest
 * checks its side).
 */
class EnvoyHostTest {
  @Test
  void aNonDefaultPortIsKeptAndADefaultOneDropped() {
    assertThat(EnvoyHost.of(URI.create("https://vpce-1.bedrock.example:8443/x")))
        .isEqualTo("vpce-1.bedrock.example:8443");
    assertThat(EnvoyHost.of(URI.create("https://bedrock-runtime.us-east-1.amazonaws.com:443")))
        .isEqualTo("bedrock-runtime.us-east-1.amazonaws.com");
    assertThat(EnvoyHost.of(URI.create("http://10.0.0.5:80"))).isEqualTo("10.0.0.5");
  }

  @Test
  void theHostIsLowerCaseAndUserInfoIsNeverPartOfIt() {
    assertThat(EnvoyHost.of(URI.create("https://user:pw@Bedrock.Example.COM:9443")))
        .isEqualTo("bedrock.example.com:9443");
    assertThat(
            EnvoyHost.signedUrl(URI.create("https://user@Bedrock.Example:9443/base"), "/model/x"))
        .isEqualTo(URI.create("https://bedrock.example:9443/model/x"));
  }
}
