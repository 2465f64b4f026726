package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway config export} and {@code gateway config apply}, run as users run them (the
 * packaged jar), against a running packaged gateway.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigAsCodeIT {
  private static final String ADMIN_TOKEN = "config-admin-token-0123456789abcdef0123456789";
  private static final String UPSTREAM_SECRET = "sk-upstream-secret-value-7Qa9";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir static Path dataDir;
  @TempDir static Path work;
  static GatewayProcess gateway;
  static AdminClient admin;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayProcess.startReady(dataDir, ADMIN_TOKEN, GatewayProcess.freePort());
    admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
    admin.create("/fleets", Map.of("name", "edge", "listener_port", 10443));
    admin.create(
        "/providers",
        Map.of(
            "name", "openai-main",
            "schema", "openai",
            "base_url", "https://api.openai.com/v1",
            "settings", Map.of("organization", "org-1"),
            "credentials", List.of(Map.of("kind", "api_key", "api_key", UPSTREAM_SECRET))));
    admin.create(
        "/models",
        Map.of(
            "name", "gpt-4o-mini",
            "targets", List.of(Map.of("provider", "openai-main", "model", "gpt-4o-mini")),
            "pricing", Map.of("input_per_million", 0.15, "output_per_million", 0.6)));
    admin.create("/teams", Map.of("name", "search"));
    JsonNode key =
        admin.create(
            "/keys",
            Map.of("name", "ci-bot", "team", "search", "allowed_models", List.of("gpt-4o-mini")));
    admin.create(
        "/quotas",
        Map.of(
            "scope", "key",
            "scope_id", key.path("id").asText(),
            "metric", "total_tokens",
            "window", "day",
            "limit", 100000));
    admin.create(
        "/quotas",
        Map.of("scope", "global", "metric", "cost_usd", "window", "month", "limit", 250.5));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.terminate(Duration.ofSeconds(30));
      gateway.close();
    }
  }

  static Run config(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-jar", System.getProperty("gateway.jar"), "config"));
    command.addAll(List.of(args));
    command.addAll(List.of("--server", "http://127.0.0.1:" + gateway.adminPort));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
    builder.environment().put("GATEWAY_ADMIN_TOKEN", ADMIN_TOKEN);
    builder.environment().putAll(env);
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  static Run config(String... args) throws Exception {
    return config(Map.of(), args);
  }

  static long auditEntries() throws Exception {
    return admin.get("/audit?limit=1").path("total").asLong();
  }

  static Path write(String name, String text) throws IOException {
    return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
  }

  static String export() throws Exception {
    Run export = config("export");
    assertThat(export.exit()).as(export.err()).isZero();
    return export.out();
  }

  @Test
  @Order(1)
  void exportWritesEveryResourceByPluralWithTheApisFieldNamesAndNoSecret() throws Exception {
    String yaml = export();
    JsonNode doc = YAML.readTree(yaml);
    assertThat(doc.fieldNames())
        .toIterable()
        .containsExactly("fleets", "providers", "teams", "models", "keys", "quotas");
    assertThat(doc.path("providers").get(0).path("base_url").asText())
        .isEqualTo("https://api.openai.com/v1");
    assertThat(doc.path("providers").get(0).path("settings").path("organization").asText())
        .isEqualTo("org-1");
    assertThat(doc.path("models").get(0).path("pricing").path("output_per_million").asDouble())
        .isEqualTo(0.6);
    assertThat(doc.path("keys").get(0).path("team").asText()).isEqualTo("search");
    assertThat(doc.path("quotas").findValuesAsText("key")).containsExactly("ci-bot");
    assertThat(yaml)
        .doesNotContain(UPSTREAM_SECRET)
        .doesNotContain("7Qa9")
        .doesNotContain("sk-gw-");
    assertThat(yaml)
        .doesNotContain("credentials:")
        .doesNotContain("id:")
        .doesNotContain("version:");
  }

  @Test
  @Order(2)
  void applyingTheExportRoundTripsWithNoChangeAndNoAuditEntry() throws Exception {
    Path file = write("exported.yaml", export());
    long audit = auditEntries();

    Run apply = config("apply", file.toString());

    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out().strip()).isEqualTo("no changes");
    assertThat(auditEntries()).isEqualTo(audit);
    assertThat(export()).isEqualTo(Files.readString(file));
  }

  @Test
  @Order(3)
  void dryRunPrintsTheDiffAndChangesNothing() throws Exception {
    String changed =
        export()
            .replace("output_per_million: 0.6", "output_per_million: 0.8")
            .replace("teams:\n", "teams:\n- name: research\n");
    Path file = write("dry.yaml", changed);
    long audit = auditEntries();
    String before = export();

    Run dry = config("apply", "--dry-run", file.toString());

    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("+ teams/research")
        .contains("~ models/gpt-4o-mini")
        .contains("pricing: ")
        .contains("\"output_per_million\":0.6")
        .contains("\"output_per_million\":0.8")
        .contains("1 to create, 1 to update, 0 to delete (dry run: nothing changed)");
    assertThat(auditEntries()).isEqualTo(audit);
    assertThat(export()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void applyUpsertsWithSecretsFromTheEnvironmentAndARepeatChangesNothing() throws Exception {
    String file =
        export()
            .replace("output_per_million: 0.6", "output_per_million: 0.8")
            .replace("teams:\n", "teams:\n- name: research\n")
            .replace("keys:\n", "keys:\n- team: research\n  name: notebook\n")
            .replace(
                "    organization: org-1\n",
                "    organization: org-1\n  credentials:\n  - kind: api_key\n"
                    + "    api_key: ${NEW_OPENAI_KEY}\n");
    Path path = write("upsert.yaml", file);
    Map<String, String> env = Map.of("NEW_OPENAI_KEY", "sk-rotated-upstream-key-XyZ1");

    Run apply = config(env, "apply", path.toString());

    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out())
        .contains("+ teams/research", "+ keys/research/notebook", "~ models/gpt-4o-mini")
        .contains("~ providers/openai-main", "credentials: replaced (api_key …XyZ1)")
        .doesNotContain("sk-rotated-upstream-key");
    assertThat(apply.err()).contains("key research/notebook created").contains("sk-gw-");
    JsonNode provider = admin.get("/providers/openai-main");
    assertThat(provider.path("credentials").get(0).path("hint").asText()).isEqualTo("…XyZ1");
    assertThat(
            admin.get("/models/gpt-4o-mini").path("pricing").path("output_per_million").asDouble())
        .isEqualTo(0.8);

    long audit = auditEntries();
    Run again = config(env, "apply", path.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out().strip()).isEqualTo("no changes");
    assertThat(auditEntries()).isEqualTo(audit);
  }

  @Test
  @Order(5)
  void aMissingEnvironmentReferenceStopsApplyBeforeAnyWrite() throws Exception {
    Path file =
        write(
            "missing.yaml",
            "teams:\n- name: never-created\nproviders:\n- name: p2\n  schema: openai\n"
                + "  base_url: https://api.openai.com/v1\n  credentials:\n  - kind: api_key\n"
                + "    api_key: ${UNSET_GATEWAY_TEST_VARIABLE}\n");
    long audit = auditEntries();

    Run apply = config("apply", file.toString());

    assertThat(apply.exit()).isEqualTo(1);
    assertThat(apply.err())
        .contains(
            "providers[0].credentials[0].api_key: environment variable"
                + " UNSET_GATEWAY_TEST_VARIABLE is not set");
    assertThat(auditEntries()).isEqualTo(audit);
  }

  @Test
  @Order(6)
  void pruneDeletesWhatTheFileDoesNotNameAndWithoutItNothingIsDeleted() throws Exception {
    JsonNode doc = YAML.readTree(export());
    // Drop the research team's key and team, and the global quota.
    Map<String, Object> reduced = new HashMap<>(YAML.convertValue(doc, Map.class));
    reduced.put("keys", filter(doc.path("keys"), "team", "search"));
    reduced.put("teams", filter(doc.path("teams"), "name", "search"));
    reduced.put("quotas", filter(doc.path("quotas"), "scope", "key"));
    Path file = write("pruned.yaml", YAML.writeValueAsString(reduced));

    Run plain = config("apply", file.toString());
    assertThat(plain.out().strip()).isEqualTo("no changes");

    Run dry = config("apply", "--prune", "--dry-run", file.toString());
    assertThat(dry.out())
        .contains("- quotas/global cost_usd/month", "- keys/research/notebook", "- teams/research")
        .contains("0 to create, 0 to update, 3 to delete (dry run");
    assertThat(admin.get("/teams?limit=50").path("total").asLong()).isEqualTo(2);

    Run prune = config("apply", "--prune", file.toString());
    assertThat(prune.exit()).as(prune.err()).isZero();
    assertThat(admin.get("/teams?limit=50").path("total").asLong()).isEqualTo(1);
    assertThat(admin.get("/quotas?limit=50").path("total").asLong()).isEqualTo(1);
    assertThat(admin.get("/fleets/default").path("name").asText()).isEqualTo("default");
    assertThat(config("apply", "--prune", file.toString()).out().strip()).isEqualTo("no changes");
  }

  @Test
  @Order(7)
  void aProviderQuotaIsAppliedByProviderNameAndExportedTheSameWay() throws Exception {
    String file =
        export()
            .replace(
                "quotas:\n",
                "quotas:\n- scope: provider\n  provider: openai-main\n  metric: total_tokens\n"
                    + "  window: day\n  limit: 5000\n");
    Path path = write("provider-quota.yaml", file);

    Run apply = config("apply", path.toString());

    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out()).contains("+ quotas/provider openai-main total_tokens/day");
    String providerId = admin.get("/providers/openai-main").path("id").asText();
    JsonNode stored = admin.get("/quotas?scope=provider&scope_id=" + providerId);
    assertThat(stored.path("total").asLong()).isEqualTo(1);
    assertThat(stored.path("items").get(0).path("limit").asLong()).isEqualTo(5000);
    JsonNode exported = YAML.readTree(export()).path("quotas");
    assertThat(exported.findValuesAsText("provider")).containsExactly("openai-main");
    assertThat(config("apply", path.toString()).out().strip()).isEqualTo("no changes");

    Path unknown =
        write(
            "unknown-provider.yaml",
            file.replace(
                "  provider: openai-main\n  metric: total_tokens\n  window: day\n  limit: 5000\n",
                "  provider: nope\n  metric: total_tokens\n  window: day\n  limit: 5000\n"));
    Run refused = config("apply", unknown.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("no provider nope");
  }

  private static List<JsonNode> filter(JsonNode list, String field, String value) {
    List<JsonNode> kept = new ArrayList<>();
    list.forEach(
        item -> {
          if (item.path(field).asText().equals(value)) {
            kept.add(item);
          }
        });
    return kept;
  }
}
