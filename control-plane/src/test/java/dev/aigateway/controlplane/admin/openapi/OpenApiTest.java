package dev.aigateway.controlplane.admin.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.controlplane.admin.AdminClient;
import dev.aigateway.controlplane.admin.AdminServer;
import dev.aigateway.db.Database;
import dev.aigateway.db.testing.PostgresExtension;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {
  /**
   * Documented routes that another branch registers. UNFINISHED until the xDS branch is merged:
   * {@code XdsRoutes} registers the bootstrap route; then this set must become empty.
   */
  private final AdminServer server;

  private final AdminClient client;

  OpenApiTest(Database db) {
    this.server = AdminServer.start(db);
    this.client = server.client();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theServedDocumentDescribesExactlyTheRegisteredRoutes() {
    AdminClient.Response r = client.get("/api/v1/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = r.json();
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

    Set<String> documented = new TreeSet<>();
    Iterator<String> paths = doc.get("paths").fieldNames();
    while (paths.hasNext()) {
      String path = paths.next();
      Iterator<String> methods = doc.get("paths").get(path).fieldNames();
      while (methods.hasNext()) {
        documented.add(methods.next().toUpperCase(Locale.ROOT) + " " + normalise(path));
      }
    }
    Set<String> registered = new TreeSet<>();
    for (String route : server.controlPlane.httpRoutes()) {
      if (route.split(" ", 2)[1].startsWith("/api/v1")) {
        registered.add(normalise(route));
      }
    }
    assertThat(registered).isNotEmpty();
    Set<String> undocumented = new TreeSet<>(registered);
    undocumented.removeAll(documented);
    assertThat(undocumented).as("registered but not documented").isEmpty();

    Set<String> unregistered = new TreeSet<>(documented);
    unregistered.removeAll(registered);
    assertThat(unregistered).as("documented but not registered").isEmpty();
  }

  @Test
  void everyReferencedSchemaIsDefined() {
    JsonNode doc = client.get("/api/v1/openapi.json").json();
    JsonNode schemas = doc.get("components").get("schemas");
    for (JsonNode ref : doc.findValues("$ref")) {
      String name = ref.asText().replace("#/components/schemas/", "");
      assertThat(schemas.has(name)).as(ref.asText()).isTrue();
    }
  }

  /** Path parameter names do not matter for the comparison: {@code {id}} and {@code {name}}. */
  private static String normalise(String route) {
    return route.replaceAll("\\{[^}]+}", "{}");
  }
}
