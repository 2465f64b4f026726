package dev.aigateway.dataplane.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 attack 10: the Kubernetes spool was an {@code emptyDir}, lost with its pod. The ext_proc
 * manifest must keep the data directory (spool and dead letter file) on a persistent volume.
 */
class SpoolVolumeManifestTest {

  @Test
  void theExtProcDataDirectoryIsAPersistentVolumePerReplica() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        yaml.readerFor(JsonNode.class)
            .readValues(Path.of("../deploy/kubernetes/30-ext-proc.yaml").toFile())) {
      it.forEachRemaining(docs::add);
    }
    JsonNode extProc =
        docs.stream()
            .filter(d -> d.path("metadata").path("name").asText().equals("ext-proc"))
            .filter(d -> d.path("spec").has("template"))
            .findFirst()
            .orElseThrow();

    assertThat(extProc.path("kind").asText()).isEqualTo("StatefulSet");
    JsonNode claims = extProc.path("spec").path("volumeClaimTemplates");
    assertThat(claims)
        .anySatisfy(c -> assertThat(c.path("metadata").path("name").asText()).isEqualTo("data"));
    JsonNode pod = extProc.path("spec").path("template").path("spec");
    assertThat(pod.path("containers").get(0).path("volumeMounts"))
        .anySatisfy(m -> assertThat(m.path("name").asText()).isEqualTo("data"));
    assertThat(pod.path("volumes")).noneSatisfy(v -> assertThat(v.has("emptyDir")).isTrue());
  }
}
