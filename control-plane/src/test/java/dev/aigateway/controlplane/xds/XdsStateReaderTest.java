package dev.aigateway.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.change.ConfigRevisions;
import dev.aigateway.db.jooq.Tables;
import dev.aigateway.db.secret.SecretCipher;
import dev.aigateway.db.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class XdsStateReaderTest {
  private static final String SECRET = "sk-live-DO-NOT-LEAK-4242";

  @BeforeEach
  void startFromTheDefaultConfig(Database db) {
    TestConfig.reset(db);
  }

  @Test
  void databaseWithWeightedTargetsTwoFleetsAndCredentialsMatchesGoldenFilesWithoutSecrets(
      Database db) throws Exception {
    TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com");
    TestConfig.addProvider(db, "azure-eu", "azure_openai", "https://contoso-eu.openai.azure.com");
    TestConfig.addProvider(db, "anthropic", "anthropic", "https://api.anthropic.com");
    TestConfig.addModel(db, "gpt-4o", new String[] {"openai", "azure-eu"}, new int[] {80, 20});
    TestConfig.addModel(db, "claude", new String[] {"anthropic"}, new int[] {1});
    TestConfig.addFleet(db, "edge", 8443);
    storeCredential(db, "openai");
    long revision = ConfigRevisions.current(db.dsl());

    XdsState state = XdsStateReader.read(db.dsl());
    Map<String, FleetSnapshot> snapshots =
        new SnapshotAssembler(new ExtProcTarget("ext-proc.internal", 18001)).assemble(state);

    assertThat(state.revision()).isEqualTo(revision);
    assertThat(state.fleets())
        .containsExactly(new XdsState.Fleet("default", 10000), new XdsState.Fleet("edge", 8443));
    for (String fleet : List.of("default", "edge")) {
      String json = XdsJson.snapshot(snapshots.get(fleet));
      assertThat(json).doesNotContain(SECRET).doesNotContain("4242").doesNotContain("api_key");
      // The revision differs between runs of the whole class, so it is masked in the golden file.
      Golden.assertMatches(
          "from_database/" + fleet + ".json",
          json.replace("\"version\": \"" + revision + "\"", "\"version\": \"<revision>\""));
    }
  }

  @Test
  void aProvidersCaBundleSettingIsReadForItsTlsTrust(Database db) throws Exception {
    TestConfig.addProvider(db, "vllm", "openai_compatible", "https://vllm.corp:8443/v1");
    TestConfig.addProvider(db, "openai", "openai", "https://api.openai.com");
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    db.dsl()
        .transaction(
            c -> {
              var tx = DSL.using(c);
              tx.update(Tables.PROVIDERS)
                  .set(
                      Tables.PROVIDERS.SETTINGS,
                      org.jooq.JSONB.valueOf(
                          new com.fasterxml.jackson.databind.ObjectMapper()
                              .writeValueAsString(Map.of("ca_bundle", pem))))
                  .where(Tables.PROVIDERS.NAME.eq("vllm"))
                  .execute();
              ConfigRevisions.bump(tx);
            });

    XdsState state = XdsStateReader.read(db.dsl());

    assertThat(state.providers())
        .extracting(XdsState.Provider::name, XdsState.Provider::caBundle)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("openai", null),
            org.assertj.core.groups.Tuple.tuple("vllm", pem));
  }

  @Test
  void changingTargetWeightsChangesOnlyThatModelsCluster(Database db) throws Exception {
    TestConfig.addProvider(db, "p1", "openai", "https://p1.example.com");
    TestConfig.addProvider(db, "p2", "openai", "https://p2.example.com");
    TestConfig.addModel(db, "m", new String[] {"p1", "p2"}, new int[] {50, 50});
    SnapshotAssembler assembler = new SnapshotAssembler(new ExtProcTarget("127.0.0.1", 18001));
    FleetSnapshot before = assembler.assemble(XdsStateReader.read(db.dsl())).get("default");

    db.dsl()
        .transaction(
            c -> {
              var tx = DSL.using(c);
              tx.update(Tables.MODEL_TARGETS)
                  .set(Tables.MODEL_TARGETS.WEIGHT, 7)
                  .where(
                      Tables.MODEL_TARGETS.PROVIDER_ID.eq(
                          DSL.select(Tables.PROVIDERS.ID)
                              .from(Tables.PROVIDERS)
                              .where(Tables.PROVIDERS.NAME.eq("p1"))))
                  .execute();
              ConfigRevisions.bump(tx);
            });
    FleetSnapshot after = assembler.assemble(XdsStateReader.read(db.dsl())).get("default");

    // Weights are endpoint weights in the model's cluster (issue 19): delta xDS sends that one
    // cluster again and nothing else.
    assertThat(after.version()).isNotEqualTo(before.version());
    assertThat(
            after
                .clusters()
                .resources()
                .get("model_m")
                .getLoadAssignment()
                .getEndpoints(0)
                .getLbEndpointsList())
        .extracting(e -> e.getLoadBalancingWeight().getValue())
        .containsExactly(7, 50);
    var changed = new java.util.TreeSet<String>();
    after
        .clusters()
        .versionedResources()
        .forEach(
            (name, r) -> {
              if (!r.equals(before.clusters().versionedResources().get(name))) {
                changed.add(name);
              }
            });
    assertThat(changed).containsExactly("model_m");
    assertThat(after.routes().versionedResources()).isEqualTo(before.routes().versionedResources());
  }

  private static void storeCredential(Database db, String provider) {
    SecretCipher cipher = new SecretCipher(new byte[32], List.of());
    UUID id = UUID.randomUUID();
    SecretCipher.Sealed sealed =
        cipher.seal(
            ("{\"api_key\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8), id.toString());
    db.dsl()
        .transaction(
            c -> {
              var tx = DSL.using(c);
              UUID providerId =
                  tx.select(Tables.PROVIDERS.ID)
                      .from(Tables.PROVIDERS)
                      .where(Tables.PROVIDERS.NAME.eq(provider))
                      .fetchSingle(Tables.PROVIDERS.ID);
              tx.insertInto(Tables.PROVIDER_CREDENTIALS)
                  .set(Tables.PROVIDER_CREDENTIALS.ID, id)
                  .set(Tables.PROVIDER_CREDENTIALS.PROVIDER_ID, providerId)
                  .set(Tables.PROVIDER_CREDENTIALS.KIND, "api_key")
                  .set(Tables.PROVIDER_CREDENTIALS.HINT, "4242")
                  .set(Tables.PROVIDER_CREDENTIALS.KEY_ID, sealed.keyId())
                  .set(Tables.PROVIDER_CREDENTIALS.CIPHERTEXT, sealed.ciphertext())
                  .set(Tables.PROVIDER_CREDENTIALS.POSITION, 0)
                  .execute();
              ConfigRevisions.bump(tx);
            });
  }
}
