package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.fakeprovider.FakeProvider;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gateway-dataplane.jar, the ext_proc's artifact: no embedded PostgreSQL inside, the commands of
 * the full gateway refused by name, and a request served end to end by its ext-proc and proxy with
 * the control plane of gateway.jar on an external PostgreSQL.
 */
class DataPlaneJarIT {
  private static final String ADMIN_TOKEN = "dataplane-jar-admin-token-0123456789abcdef";

  @TempDir Path tmp;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private static List<String> entries(String property) throws Exception {
    try (JarFile jar = new JarFile(GatewayProcess.packagedJar(property))) {
      return jar.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void theDataPlaneJarCarriesNoEmbeddedPostgresButTheFullJarDoes() throws Exception {
    List<String> dataPlane = entries("gateway.dataplane.jar");
    assertThat(dataPlane)
        .contains("dev/aigateway/launcher/ExtProcCommand.class")
        .contains("dev/aigateway/proxy/EmbeddedProxy.class")
        .noneMatch(e -> e.startsWith("io/zonky/"))
        .noneMatch(e -> e.startsWith("postgres-") && e.endsWith(".txz"))
        .noneMatch(e -> e.startsWith("dev/aigateway/db/embedded/"))
        .noneMatch(e -> e.startsWith("META-INF/resources/admin-ui/"));
    // The same checks find what they look for in gateway.jar, which `gateway run` needs.
    assertThat(entries("gateway.jar"))
        .anyMatch(e -> e.startsWith("io/zonky/"))
        .anyMatch(e -> e.startsWith("postgres-linux-x86_64") && e.endsWith(".txz"));
  }

  @Test
  void aCommandOfTheFullGatewayIsRefusedWithTheJarThatHasIt() throws Exception {
    GatewayProcess run =
        GatewayProcess.launch(
            GatewayProcess.packagedJar("gateway.dataplane.jar"),
            List.of("run", "--data-dir", tmp.resolve("run").toString()),
            Map.of(),
            -1,
            -1,
            -1);
    cleanup.add(run);
    assertThat(run.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).isEqualTo(2);
    assertThat(run.output())
        .contains("`run` is not in gateway-dataplane.jar")
        .contains("ext-proc, proxy")
        .contains("gateway.jar");
  }

  @Test
  void extProcAndProxyFromTheDataPlaneJarServeAChatCompletion() throws Exception {
    ExternalPostgres pg = ExternalPostgres.start();
    cleanup.add(pg);
    FakeProvider upstream = FakeProvider.start(0, Duration.ZERO);
    cleanup.add(upstream);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_DATABASE_URL", pg.jdbcUrl());
    env.put("GATEWAY_DATABASE_USER", pg.user());
    env.put("GATEWAY_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("GATEWAY_SECRET_KEY", Base64.getEncoder().encodeToString(secret));
    int cpAdmin = GatewayProcess.freePort();
    int xds = GatewayProcess.freePort();
    int epAdmin = GatewayProcess.freePort();
    int extProc = GatewayProcess.freePort();
    int proxy = GatewayProcess.freePort();
    String dataPlaneJar = GatewayProcess.packagedJar("gateway.dataplane.jar");

    // The control plane (gateway.jar) migrates the database; the data plane never does.
    GatewayProcess controlPlane =
        GatewayProcess.launch(
            List.of(
                "control-plane",
                "--data-dir",
                tmp.resolve("control-plane").toString(),
                "--admin-port",
                Integer.toString(cpAdmin),
                "--xds-port",
                Integer.toString(xds),
                "--ext-proc-port",
                Integer.toString(extProc)),
            env,
            cpAdmin,
            xds,
            extProc);
    cleanup.add(controlPlane);
    GatewayProcess ext =
        GatewayProcess.launch(
            dataPlaneJar,
            List.of(
                "ext-proc",
                "--data-dir",
                tmp.resolve("ext-proc").toString(),
                "--admin-port",
                Integer.toString(epAdmin),
                "--ext-proc-port",
                Integer.toString(extProc)),
            env,
            epAdmin,
            -1,
            extProc);
    cleanup.add(ext);
    GatewayProcess proxyProcess =
        GatewayProcess.launch(
            dataPlaneJar,
            List.of(
                "proxy",
                "--xds-address",
                "127.0.0.1:" + xds,
                "--proxy-port",
                Integer.toString(proxy)),
            env,
            -1,
            xds,
            -1);
    cleanup.add(proxyProcess);
    controlPlane.awaitReady(Duration.ofSeconds(120));
    String apiKey = configure(new AdminClient(cpAdmin, ADMIN_TOKEN), upstream);
    ext.awaitReady(Duration.ofSeconds(120));

    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + proxy + "/v1")
            .apiKey(apiKey)
            .maxRetries(0)
            .timeout(Duration.ofSeconds(20))
            .build();
    ChatCompletionCreateParams chat =
        ChatCompletionCreateParams.builder()
            .model("dataplane-model")
            .addUserMessage("hello data plane")
            .build();
    ChatCompletion completion = null;
    RuntimeException last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    // The proxy has its routes and the ext_proc the new key a moment after the admin writes.
    while (completion == null && System.nanoTime() < deadline) {
      try {
        completion = client.chat().completions().create(chat);
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    RuntimeException failure = last;
    assertThat(completion)
        .as(
            () ->
                "no completion through the data-plane jar: "
                    + failure
                    + "\next-proc:\n"
                    + output(ext)
                    + "\nproxy:\n"
                    + output(proxyProcess))
        .isNotNull();
    assertThat(completion.choices().getFirst().message().content())
        .contains("You said: hello data plane");
    assertThat(upstream.received().getLast().headers().get("authorization"))
        .isEqualTo("Bearer sk-upstream-dataplane");
  }

  private static String output(GatewayProcess process) {
    try {
      return process.output();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String configure(AdminClient admin, FakeProvider upstream) throws Exception {
    admin.create(
        "/providers",
        Map.of(
            "name",
            "fake",
            "schema",
            "openai_compatible",
            "base_url",
            upstream.baseUrl() + "/v1",
            "credentials",
            List.of(Map.of("kind", "api_key", "api_key", "sk-upstream-dataplane"))));
    admin.create(
        "/models",
        Map.of(
            "name",
            "dataplane-model",
            "targets",
            List.of(
                Map.of("provider", "fake", "model", "fake-model", "weight", 1, "priority", 0))));
    admin.create("/teams", Map.of("name", "dataplane"));
    JsonNode key =
        admin.create(
            "/keys",
            Map.of("name", "dataplane-key", "team", "dataplane", "allowed_models", List.of()));
    return key.path("key").asText();
  }
}
