package dev.aigateway.controlplane.admin.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.controlplane.admin.json.AdminJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The console's component tests run against a copy of {@code GET /api/v1/provider-schemas}; this
 * keeps the copy equal to what the server sends, so a new schema or kind reaches those tests too.
 * Run with {@code -Dvocabulary.fixture.update=true} to rewrite the copy.
 */
class VocabularyFixtureTest {
  private static final Path FIXTURE =
      Path.of("..", "admin-ui", "src", "features", "providers", "vocabulary.fixture.json");

  @Test
  void consoleTestFixtureIsWhatTheServerSends() throws Exception {
    ObjectMapper mapper = AdminJson.newMapper();
    JsonNode served = mapper.valueToTree(VocabularyView.current());
    if (Boolean.getBoolean("vocabulary.fixture.update")) {
      Files.writeString(
          FIXTURE, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n");
    }
    assertThat(mapper.readTree(Files.readString(FIXTURE))).isEqualTo(served);
  }
}
