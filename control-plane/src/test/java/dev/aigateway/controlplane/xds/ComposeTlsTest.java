package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 14, item 6 for docker compose (no Docker here, so the files are read): deploy/compose.yaml
 * runs xDS and ext_proc over mutual TLS like the Kubernetes manifests. A job writes the
 * certificates into volumes before anything starts, the gateway processes and Envoy mount them
 * where their settings and the bootstrap say, the certificate names what Envoy dials, and the gRPC
 * ports are not published.
 */
class ComposeTlsTest {
  private static Map<String, Object> services;
  private static String certsScript;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void read() throws Exception {
    // SnakeYAML resolves the file's anchors and merge keys, as docker compose does.
    Map<String, Object> compose =
        new Yaml().load(Files.readString(Path.of("../deploy/compose.yaml")));
    services = (Map<String, Object>) compose.get("services");
    certsScript = String.join("\n", strings(service("grpc-certs").get("command")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    Map<String, Object> service = (Map<String, Object>) services.get(name);
    assertThat(service).as(name).isNotNull();
    return service;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object list) {
    return list == null ? List.of() : (List<String>) list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(String name) {
    return (Map<String, Object>) service(name).get("environment");
  }

  /** The volume mounted at {@code path} in a service, with its mode ("ro"), or null. */
  private static String mountAt(String name, String path) {
    for (String volume : strings(service(name).get("volumes"))) {
      String[] parts = volume.split(":");
      if (parts.length >= 2 && parts[1].equals(path)) {
        return parts[0] + (parts.length > 2 ? ":" + parts[2] : "");
      }
    }
    return null;
  }

  /** Named volumes the certificate job writes (its mounts other than the CA's own). */
  private static List<String> volumesTheJobWrites() {
    List<String> written = new ArrayList<>();
    for (String volume : strings(service("grpc-certs").get("volumes"))) {
      String[] parts = volume.split(":");
      if (certsScript.contains(parts[1] + "/")) {
        written.add(parts[0]);
      }
    }
    return written;
  }

  @SuppressWarnings("unchecked")
  private static void startsAfterTheCertificates(String name) {
    Map<String, Object> dependsOn = (Map<String, Object>) service(name).get("depends_on");
    assertThat((Map<String, Object>) dependsOn.get("grpc-certs"))
        .as(name + " waits for the certificates")
        .containsEntry("condition", "service_completed_successfully");
  }

  @Test
  void theGatewayProcessesServeTheirGrpcPortsWithTheJobsCertificates() {
    assertThat(certsScript).contains("dev-certs");
    for (String name : List.of("control-plane", "ext-proc")) {
      Object tlsDir = environment(name).get("GATEWAY_TLS_DIR");
      assertThat(tlsDir).as(name + " GATEWAY_TLS_DIR").isNotNull();
      String mount = mountAt(name, tlsDir.toString());
      assertThat(mount).as(name + " mounts its TLS directory").isNotNull().endsWith(":ro");
      assertThat(volumesTheJobWrites()).contains(mount.split(":")[0]);
      startsAfterTheCertificates(name);
    }
  }

  @Test
  void envoyHasTheFilesItsBootstrapAndItsExtProcClusterName() throws Exception {
    String envoyDir = environment("control-plane").get("GATEWAY_ENVOY_TLS_DIR").toString();
    String mount = mountAt("envoy", envoyDir);
    assertThat(mount).as("envoy mounts GATEWAY_ENVOY_TLS_DIR").isNotNull().endsWith(":ro");
    assertThat(volumesTheJobWrites()).contains(mount.split(":")[0]);
    startsAfterTheCertificates("envoy");

    // The bootstrap Envoy starts with dials xDS over mutual TLS with files from that mount.
    String bootstrap = Files.readString(Path.of("../deploy/envoy/bootstrap-compose.yaml"));
    assertThat(bootstrap)
        .contains("envoy.transport_sockets.tls")
        .contains("certificate_chain: {filename: \"" + envoyDir + "/cert.pem\"}")
        .contains("private_key: {filename: \"" + envoyDir + "/key.pem\"}")
        .contains("trusted_ca: {filename: \"" + envoyDir + "/ca.pem\"}")
        .contains("matcher: {exact: \"control-plane\"}");
  }

  @Test
  void theCertificateNamesEveryHostEnvoyDials() {
    // xDS: the bootstrap's address; ext_proc: the host the control plane tells Envoy to dial.
    assertThat(certsScript).contains("--host control-plane");
    assertThat(certsScript)
        .contains("--host " + environment("control-plane").get("GATEWAY_EXT_PROC_HOST"));
  }

  @Test
  void theCaKeyStaysWithTheJobAndNoGrpcPortIsPublished() {
    String caVolume = mountAt("grpc-certs", "/ca").split(":")[0];
    services.forEach(
        (name, service) -> {
          if (!name.equals("grpc-certs")) {
            assertThat(strings(((Map<?, ?>) service).get("volumes")))
                .as(name + " does not mount the CA key")
                .noneMatch(v -> v.startsWith(caVolume + ":"));
          }
          assertThat(strings(((Map<?, ?>) service).get("ports")))
              .as(name + " publishes no gRPC port")
              .noneMatch(p -> p.endsWith(":18000") || p.endsWith(":18001"));
        });
  }
}
