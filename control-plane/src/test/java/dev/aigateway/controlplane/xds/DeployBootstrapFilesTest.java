package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Envoy bootstraps shipped in deploy/ for docker compose and Kubernetes are exactly what the
 * control plane generates for their control-plane address ({@code -Dgolden.update=true} rewrites
 * them).
 */
class DeployBootstrapFilesTest {
  private static final Path DEPLOY = Path.of("../deploy");

  @Test
  void composeBootstrapMatchesTheGenerator() throws Exception {
    String generated =
        BootstrapYaml.render(
            new BootstrapYaml.Params(
                "default",
                "compose-envoy",
                "control-plane",
                18000,
                9901,
                // Where compose.yaml mounts the grpc-tls-envoy volume (ComposeTlsTest).
                dev.aigateway.tls.TlsFiles.inDirectory(java.nio.file.Path.of("/etc/gateway-tls"))));
    assertMatches(DEPLOY.resolve("envoy/bootstrap-compose.yaml"), generated);
  }

  @Test
  void kubernetesBootstrapConfigMapMatchesTheGenerator() throws Exception {
    String bootstrap =
        BootstrapYaml.render(
            new BootstrapYaml.Params(
                "default",
                "kubernetes-envoy",
                "control-plane.ai-gateway.svc.cluster.local",
                18000,
                9901,
                // Where 50-envoy.yaml mounts the gateway-grpc-tls secret.
                dev.aigateway.tls.TlsFiles.inDirectory(java.nio.file.Path.of("/etc/gateway-tls"))));
    String configMap =
        """
        # Generated from the control plane's bootstrap (see DeployBootstrapFilesTest); the same as
        # GET /api/v1/fleets/default/bootstrap?xds_host=control-plane.ai-gateway.svc.cluster.local
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: envoy-bootstrap
          namespace: ai-gateway
        data:
          bootstrap.yaml: |
        """
            + bootstrap
                .lines()
                .map(line -> line.isEmpty() ? line : "    " + line)
                .collect(Collectors.joining("\n", "", "\n"));
    assertMatches(DEPLOY.resolve("kubernetes/40-envoy-bootstrap.yaml"), configMap);
  }

  private static void assertMatches(Path file, String expected) throws Exception {
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, expected);
    }
    assertThat(Files.readString(file)).isEqualTo(expected);
  }
}
