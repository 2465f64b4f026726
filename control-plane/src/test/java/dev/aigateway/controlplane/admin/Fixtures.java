package dev.aigateway.controlplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.db.secret.Hashes;

/** Creates resources through the API for tests, registering every secret with the transcript. */
public final class Fixtures {
  private Fixtures() {}

  /** A fresh, recognisable provider API key (registered as a secret). */
  public static String apiKey() {
    String key = Hashes.newToken("sk-test-", 24);
    Transcript.secret(key, "provider api key");
    return key;
  }

  public static JsonNode provider(AdminClient client, String name) {
    AdminClient.Response r =
        client.post(
            "/api/v1/providers",
            """
            {"name": "%s", "schema": "openai", "base_url": "https://api.openai.com",
             "settings": {}, "credentials": [{"kind": "api_key", "api_key": "%s"}]}
            """
                .formatted(name, apiKey()));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  public static JsonNode model(AdminClient client, String name, String provider) {
    AdminClient.Response r =
        client.post(
            "/api/v1/models",
            """
            {"name": "%s", "targets": [{"provider": "%s", "model": "gpt-4o-mini", "weight": 1, "priority": 0}],
             "pricing": {"input_per_million": 0.15, "output_per_million": 0.60}}
            """
                .formatted(name, provider));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  public static JsonNode team(AdminClient client, String name) {
    AdminClient.Response r = client.post("/api/v1/teams", "{\"name\": \"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  /** Creates a key and returns the creation response (which holds the secret in {@code key}). */
  public static JsonNode key(AdminClient client, String name, String team) {
    AdminClient.Response r =
        client.post(
            "/api/v1/keys",
            "{\"name\": \"" + name + "\", \"team\": \"" + team + "\", \"allowed_models\": []}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    Transcript.secretShownOnceIn(r.json().get("key").asText(), "client key", r.id());
    return r.json();
  }
}
