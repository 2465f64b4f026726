package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The ext_proc is deployed from the data-plane image (gateway-dataplane.jar, no embedded
 * PostgreSQL) in every place deploy/ describes it; no Docker here, so the files are read.
 */
class DataPlaneImageTest {
  private static final Path DEPLOY = Path.of("../deploy");

  /** The Dockerfile's lines from {@code FROM ... AS stage} to the next {@code FROM}. */
  private static List<String> stage(String name) throws Exception {
    List<String> lines = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(DEPLOY.resolve("Dockerfile"))) {
      if (line.startsWith("FROM ")) {
        in = line.endsWith(" AS " + name);
      } else if (in) {
        lines.add(line);
      }
    }
    assertThat(lines).as("Dockerfile stage " + name).isNotEmpty();
    return lines;
  }

  @Test
  void theExtProcStageShipsOnlyTheDataPlaneJarAndRunsIt() throws Exception {
    List<String> extProc = stage("ext-proc");
    assertThat(extProc)
        .anyMatch(l -> l.startsWith("COPY") && l.contains("launcher/target/gateway-dataplane.jar"))
        .noneMatch(l -> l.contains("target/gateway.jar"))
        .anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("gateway-dataplane.jar"));
    assertThat(stage("gateway"))
        .anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("/opt/ai-gateway/gateway.jar"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String key) {
    return (Map<String, Object>) ((Map<String, Object>) value).get(key);
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeAndKubernetesRunTheExtProcFromTheDataPlaneImage() throws Exception {
    // SnakeYAML resolves the compose file's anchors and merge keys, as docker compose does.
    Map<String, Object> services =
        map(new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml"))), "services");
    assertThat(map(map(services, "ext-proc"), "build")).containsEntry("target", "ext-proc");
    assertThat(map(services, "ext-proc").get("command")).isEqualTo(List.of("ext-proc"));
    assertThat(map(map(services, "control-plane"), "build")).containsEntry("target", "gateway");

    Object statefulSet =
        new Yaml()
            .loadAll(Files.readString(DEPLOY.resolve("kubernetes/30-ext-proc.yaml")))
            .iterator()
            .next();
    List<Map<String, Object>> containers =
        (List<Map<String, Object>>)
            map(map(map(statefulSet, "spec"), "template"), "spec").get("containers");
    assertThat((String) containers.getFirst().get("image")).startsWith("ai-gateway-ext-proc:");
    assertThat(containers.getFirst().get("args")).isEqualTo(List.of("ext-proc"));
  }
}
