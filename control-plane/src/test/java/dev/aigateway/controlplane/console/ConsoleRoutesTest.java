package dev.aigateway.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.controlplane.http.HttpServers;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsoleRoutesTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private Javalin server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private void start(Consumer<JavalinConfig> configure) {
    server = HttpServers.start("127.0.0.1", 0, configure);
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void startFixtureConsoleWithApi() {
    start(
        config -> {
          config.routes.get("/api/v1/me", ctx -> ctx.json(java.util.Map.of("name", "x")));
          config.routes.get("/healthz", ctx -> ctx.result("ok"));
          ConsoleRoutes.register(config, "console-fixture");
        });
  }

  @Test
  void servesIndexAtRootAndAssetsFromTheClasspath() throws Exception {
    startFixtureConsoleWithApi();
    HttpResponse<String> index = get("/", "text/html");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("console fixture");
    assertThat(index.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));

    HttpResponse<String> asset = get("/assets/app.js", "*/*");
    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.body()).contains("fixture");
    assertThat(asset.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
  }

  @Test
  void answersClientSideRoutesWithIndexHtml() throws Exception {
    startFixtureConsoleWithApi();
    for (String path : new String[] {"/providers", "/keys", "/fleets/default"}) {
      HttpResponse<String> page = get(path, "text/html,application/xhtml+xml");
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body()).as(path).contains("console fixture");
      assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    }
  }

  @Test
  void neverAnswersServerPathsWithTheConsole() throws Exception {
    startFixtureConsoleWithApi();
    for (String path :
        new String[] {
          "/api/v1/nope", "/api", "/metrics", "/readyz", "/healthz/x", "/assets/missing.js"
        }) {
      HttpResponse<String> response = get(path, "text/html");
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).doesNotContain("console fixture");
    }
    assertThat(get("/api/v1/me", "text/html").body()).contains("\"name\"");
    assertThat(get("/healthz", "text/html").body()).isEqualTo("ok");
  }

  @Test
  void keepsTheApiWorkingWhenTheConsoleIsNotBuilt() throws Exception {
    start(
        config -> {
          config.routes.get("/healthz", ctx -> ctx.result("ok"));
          ConsoleRoutes.register(config, "no-such-console");
        });
    HttpResponse<String> root = get("/", "text/html");
    assertThat(root.statusCode()).isEqualTo(404);
    assertThat(root.body()).contains("not part of this build");
    assertThat(get("/healthz", null).body()).isEqualTo("ok");
  }

  @Test
  void theBuiltAdminUiIsOnTheClasspath() throws Exception {
    start(ConsoleRoutes::register);
    HttpResponse<String> index = get("/", "text/html");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<div id=\"root\"></div>").contains("/assets/");
    HttpResponse<String> route = get("/providers", "text/html");
    assertThat(route.body()).isEqualTo(index.body());
  }
}
