package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BootstrapYamlTest {

  @Test
  void deployedBootstrapIsWhatTheControlPlaneGeneratesForTheDefaultFleet() throws Exception {
    String generated =
        BootstrapYaml.render(
            new BootstrapYaml.Params("default", "default-envoy", "127.0.0.1", 18000, 9901));
    Path deployed = Path.of("../deploy/envoy/bootstrap.yaml");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(deployed.getParent());
      Files.writeString(deployed, generated);
    }

    assertThat(Files.readString(deployed)).isEqualTo(generated);
  }

  @Test
  void namesAreQuotedSoThatNoFleetNameCanBreakTheYaml() {
    String yaml =
        BootstrapYaml.render(
            new BootstrapYaml.Params("a: b\n#x", "n\"1", "xds.internal", 18000, 9901));

    assertThat(yaml)
        .contains("cluster: \"a: b\\n#x\"")
        .contains("id: \"n\\\"1\"")
        .contains("type: STRICT_DNS");
  }

  @Test
  void anIpLiteralControlPlaneNeedsNoDns() {
    assertThat(
            BootstrapYaml.render(new BootstrapYaml.Params("default", "e", "10.0.0.7", 18000, 9901)))
        .contains("type: STATIC");
  }

  @Test
  void portsOutsideTheRangeAreRejected() {
    assertThatThrownBy(() -> new BootstrapYaml.Params("default", "e", "h", 0, 9901))
        .hasMessage("xdsPort: 0 (expected: 1..65535)");
  }
}
