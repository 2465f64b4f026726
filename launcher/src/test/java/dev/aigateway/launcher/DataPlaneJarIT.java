package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    GatewayProcess proxyHelp =
        GatewayProcess.launch(
            GatewayProcess.packagedJar("gateway.dataplane.jar"),
            List.of("proxy", "--help"),
            Map.of(),
            -1,
            -1,
            -1);
    cleanup.add(proxyHelp);
    assertThat(proxyHelp.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(proxyHelp.process.exitValue()).isEqualTo(0);
    assertThat(proxyHelp.output()).contains("--xds-address");
  }

  @Test
  void extProcFromTheDataPlaneJarServesFromAnExternalDatabase() throws Exception {
    ExternalPostgres pg = ExternalPostgres.start();
    cleanup.add(pg);
    // The schema as `gateway migrate` (or the control plane) leaves it: the ext_proc never
    // migrates.
    try (Database db =
        Database.start(new DatabaseSettings(pg.jdbcUrl(), pg.user(), null, tmp.resolve("m"), 1))) {
      assertThat(db.probeFailure()).isNull();
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    int admin = GatewayProcess.freePort();
    int extProcPort = GatewayProcess.freePort();
    GatewayProcess extProc =
        GatewayProcess.launch(
            GatewayProcess.packagedJar("gateway.dataplane.jar"),
            List.of(
                "ext-proc",
                "--data-dir",
                tmp.resolve("ext-proc").toString(),
                "--admin-port",
                Integer.toString(admin),
                "--ext-proc-port",
                Integer.toString(extProcPort)),
            Map.of(
                "GATEWAY_DATABASE_URL",
                pg.jdbcUrl(),
                "GATEWAY_DATABASE_USER",
                pg.user(),
                "GATEWAY_SECRET_KEY",
                Base64.getEncoder().encodeToString(secret)),
            admin,
            -1,
            extProcPort);
    cleanup.add(extProc);
    extProc.awaitReady(Duration.ofSeconds(120));
    assertThat(extProc.get("/readyz").orElseThrow().body()).contains("\"status\":\"ready\"");

    // Envoy's first message for a request without a client key: the ext_proc answers it itself.
    ProcessingResponse answer = requestHeadersWithoutKey(extProcPort);
    assertThat(answer.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(401);
    assertThat(answer.getImmediateResponse().getBody().toStringUtf8()).contains("invalid_api_key");
  }

  private static ProcessingResponse requestHeadersWithoutKey(int port) throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      CompletableFuture<ProcessingResponse> first = new CompletableFuture<>();
      StreamObserver<ProcessingRequest> out =
          ExternalProcessorGrpc.newStub(channel)
              .process(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingResponse value) {
                      first.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      first.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                      first.completeExceptionally(new IllegalStateException("no answer"));
                    }
                  });
      out.onNext(
          ProcessingRequest.newBuilder()
              .setRequestHeaders(
                  HttpHeaders.newBuilder()
                      .setHeaders(
                          HeaderMap.newBuilder()
                              .addHeaders(header(":method", "GET"))
                              .addHeaders(header(":path", "/v1/models")))
                      .setEndOfStream(true))
              .build());
      return first.get(20, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static HeaderValue header(String key, String value) {
    return HeaderValue.newBuilder().setKey(key).setRawValue(ByteString.copyFromUtf8(value)).build();
  }
}
