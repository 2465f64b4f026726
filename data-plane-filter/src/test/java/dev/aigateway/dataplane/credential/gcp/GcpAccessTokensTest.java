package dev.aigateway.dataplane.credential.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.dataplane.config.UpstreamCredential;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a loopback token endpoint named by the key's token_uri, with a fresh RSA key. */
class GcpAccessTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final AtomicInteger issued = new AtomicInteger();
  private final List<String> grants = new CopyOnWriteArrayList<>();
  private volatile long expiresIn = 3600;
  private static KeyPair keys;
  private String tokenUri;

  @BeforeAll
  static void generateKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/token",
        exchange -> {
          grants.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] body =
              ("{\"access_token\":\"token-"
                      + issued.incrementAndGet()
                      + "\",\"expires_in\":"
                      + expiresIn
                      + ",\"token_type\":\"Bearer\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    tokenUri = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private UpstreamCredential credential(UUID id) {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    ObjectNode key = JSON.createObjectNode();
    key.put("type", "service_account");
    key.put("project_id", "proj-1");
    key.put("private_key_id", "key-1");
    key.put("private_key", pem);
    key.put("client_email", "gateway@proj-1.iam.gserviceaccount.com");
    key.put("client_id", "1234");
    key.put("token_uri", tokenUri);
    return new UpstreamCredential(
        id,
        "gcp_service_account",
        "gateway@proj-1",
        Map.of("service_account_json", key.toString()));
  }

  @Test
  void tokenIsFetchedOnceAndReusedAcrossRequests() throws Exception {
    GcpAccessTokens tokens = new GcpAccessTokens();
    UpstreamCredential credential = credential(UUID.randomUUID());

    assertThat(tokens.accessToken(credential)).isEqualTo("token-1");
    assertThat(tokens.accessToken(credential)).isEqualTo("token-1");
    assertThat(tokens.accessToken(credential)).isEqualTo("token-1");
    assertThat(issued).hasValue(1);
  }

  @Test
  void tokenCloseToExpiryIsRefreshedBeforeItExpires() throws Exception {
    expiresIn = 60; // still valid for a minute, but inside the library's refresh margin
    GcpAccessTokens tokens = new GcpAccessTokens();
    UpstreamCredential credential = credential(UUID.randomUUID());

    assertThat(tokens.accessToken(credential)).isEqualTo("token-1");
    expiresIn = 3600;
    assertThat(tokens.accessToken(credential)).isEqualTo("token-2");
    assertThat(tokens.accessToken(credential)).isEqualTo("token-2");
    assertThat(issued).hasValue(2);
  }

  @Test
  void grantIsAJwtSignedWithTheServiceAccountKeyForTheCloudPlatformScope() throws Exception {
    new GcpAccessTokens().accessToken(credential(UUID.randomUUID()));

    Map<String, String> form = form(grants.getFirst());
    assertThat(form.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
    String[] jwt = form.get("assertion").split("\\.");
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
    assertThat(claims.path("iss").asText()).isEqualTo("gateway@proj-1.iam.gserviceaccount.com");
    // Google's library always sets the audience to its token server, whatever token_uri says.
    assertThat(claims.path("aud").asText()).isEqualTo("https://oauth2.googleapis.com/token");
    assertThat(claims.path("scope").asText()).isEqualTo(GcpAccessTokens.CLOUD_PLATFORM);
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify((RSAPublicKey) keys.getPublic());
    rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rsa.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();
  }

  @Test
  void invalidKeyIsAClearErrorWithoutTheKey() {
    UpstreamCredential broken =
        new UpstreamCredential(
            UUID.randomUUID(),
            "gcp_service_account",
            "x",
            Map.of(
                "service_account_json",
                "{\"type\":\"service_account\",\"private_key\":\"SECRET\"}"));

    assertThatThrownBy(() -> new GcpAccessTokens().accessToken(broken))
        .isInstanceOf(GcpAccessTokens.TokenException.class)
        .hasMessageContaining("not a valid service-account key")
        .hasMessageNotContaining("SECRET");
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }
}
