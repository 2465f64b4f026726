package dev.aigateway.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFileTest {

  @Test
  void defaultsAndNumberSpellingsDoNotMakeADifference() {
    ConfigFile a =
        ConfigFile.parse(
            """
            models:
            - name: m
              targets: [{provider: p, model: x}]
              pricing: {input_per_million: 0.150, output_per_million: "0.6"}
            quotas:
            - {scope: global, metric: cost_usd, window: month, limit: 250.50}
            """,
            Map.<String, String>of()::get);
    ConfigFile b =
        ConfigFile.parse(
            """
            models:
            - name: m
              targets: [{provider: p, model: x, weight: 1, priority: 0}]
              pricing: {input_per_million: 0.15, output_per_million: 0.6}
              failover: {attempts: 3, retry_on: [connect-failure, reset, 5xx, "429", "529"]}
            quotas:
            - {scope: global, metric: cost_usd, window: month, limit: 250.5}
            """,
            Map.<String, String>of()::get);
    for (Kind kind : new Kind[] {Kind.MODELS, Kind.QUOTAS}) {
      JsonNode x = a.entries(kind).getFirst().canonical();
      JsonNode y = b.entries(kind).getFirst().canonical();
      assertThat(Plan.same(x, y)).as(kind.plural()).isTrue();
    }
  }

  @Test
  void aModelsFailoverSettingsTakeTheirDefaultsWhenLeftOutAndAreCompared() {
    ConfigFile changed =
        ConfigFile.parse(
            """
            models:
            - name: m
              targets: [{provider: p, model: x}]
              failover: {attempts: 5, per_attempt_timeout_ms: 20000}
            """,
            Map.<String, String>of()::get);
    ConfigFile plain =
        ConfigFile.parse(
            """
            models:
            - name: m
              targets: [{provider: p, model: x}]
            """,
            Map.<String, String>of()::get);
    JsonNode x = changed.entries(Kind.MODELS).getFirst().canonical();
    JsonNode y = plain.entries(Kind.MODELS).getFirst().canonical();
    assertThat(Plan.same(x, y)).isFalse();
    assertThat(x.path("failover").path("attempts").asInt()).isEqualTo(5);
    assertThat(x.path("failover").path("backoff_max_ms").asInt()).isEqualTo(250);
    assertThat(y.path("failover").path("retry_on").toString())
        .isEqualTo("[\"connect-failure\",\"reset\",\"5xx\",\"429\",\"529\"]");
  }

  @Test
  void environmentReferencesAreResolvedAndAMissingOneIsNamedWithItsPlace() {
    String file =
        """
        providers:
        - name: p
          schema: openai
          base_url: https://api.openai.com/v1
          credentials: [{kind: api_key, api_key: "${KEY}"}]
        """;
    ConfigFile resolved = ConfigFile.parse(file, Map.of("KEY", "sk-from-env-0000000000-abcd")::get);
    assertThat(resolved.entries(Kind.PROVIDERS).getFirst().credentials().toString())
        .contains("sk-from-env-0000000000-abcd");
    assertThat(CredentialHints.of(resolved.entries(Kind.PROVIDERS).getFirst().credentials()))
        .containsExactly("api_key …abcd");
    assertThatThrownBy(() -> ConfigFile.parse(file, Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage("providers[0].credentials[0].api_key: environment variable KEY is not set");
  }

  @Test
  void unknownSectionsFieldsAndDuplicatesAreRefusedWithTheirPlace() {
    assertThatThrownBy(() -> ConfigFile.parse("routes: []", Map.<String, String>of()::get))
        .hasMessageStartingWith("routes: unknown section");
    assertThatThrownBy(
            () ->
                ConfigFile.parse("teams: [{name: a, colour: red}]", Map.<String, String>of()::get))
        .hasMessage("teams[0].colour: unknown field");
    assertThatThrownBy(
            () -> ConfigFile.parse("teams: [{name: a}, {name: a}]", Map.<String, String>of()::get))
        .hasMessage("teams[1]: names the same teams as teams[0]");
    assertThatThrownBy(
            () ->
                ConfigFile.parse(
                    "quotas: [{scope: team, metric: total_tokens, window: day, limit: 1}]",
                    Map.<String, String>of()::get))
        .hasMessage("quotas[0].team: is required");
  }

  @Test
  void theSchemaDeclaresEveryFieldAFileMayHave() throws Exception {
    JsonNode schema =
        AdminApi.JSON.readTree(ConfigFile.class.getResourceAsStream(ConfigFile.SCHEMA_RESOURCE));
    for (Kind kind : Kind.values()) {
      JsonNode properties =
          schema.path("properties").path(kind.plural()).path("items").path("properties");
      assertThat(properties.isObject()).as(kind.plural()).isTrue();
      assertThat(properties.fieldNames())
          .toIterable()
          .as(kind.plural())
          .containsExactlyInAnyOrderElementsOf(kind.fields());
    }
  }
}
