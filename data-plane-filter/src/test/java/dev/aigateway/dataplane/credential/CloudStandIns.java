package dev.aigateway.dataplane.credential;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local stand-ins for the clouds' token services, so the providers' own libraries run for real
 * without the internet: Google's OAuth token endpoint (a key's {@code token_uri}) and IAM
 * Credentials {@code generateAccessToken}, Entra ID's {@code /{tenant}/oauth2/v2.0/token}, and
 * STS's {@code AssumeRole} / {@code AssumeRoleWithWebIdentity}. Each checks what the protocol
 * requires and records what it was sent.
 */
final class CloudStandIns implements AutoCloseable {
  static final String ENTRA_SCOPE = "https://cognitiveservices.azure.com/.default";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request to a stand-in: path and form (or JSON) body. */
  record Call(String path, Map<String, String> headers, String body) {
    Map<String, String> form() {
      Map<String, String> out = new HashMap<>();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return out;
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final AtomicInteger googleTokens = new AtomicInteger();
  final AtomicInteger entraTokens = new AtomicInteger();
  volatile long entraExpiresIn = 3600;
  private final HttpServer server;
  private final HttpsServer entra;
  final LocalTls tls;

  CloudStandIns(Path dir) throws Exception {
    tls = new LocalTls(dir);
    entra = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    entra.setHttpsConfigurator(new HttpsConfigurator(tls.server));
    // Entra's authority is host + tenant, so the token path starts with the tenant.
    entra.createContext(
        "/",
        exchange -> {
          Call call = record(exchange);
          entraToken(exchange, call);
        });
    entra.start();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/google/token", this::googleToken);
    server.createContext(
        "/google/refuse",
        exchange -> {
          record(exchange);
          send(exchange, 400, "{\"error\":\"invalid_grant\"}", "application/json");
        });
    server.createContext("/iam/", this::impersonate);
    // The AWS SDK posts STS calls to the endpoint's root.
    server.createContext("/", this::sts);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Scheme, host and port: what {@code authority_host} and AZURE_AUTHORITY_HOST hold. */
  String authorityHost() {
    return "https://127.0.0.1:" + entra.getAddress().getPort();
  }

  /** A service-account key (fresh RSA key) whose token_uri is this stand-in. */
  String serviceAccountKey(String email) {
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    ObjectNode key = JSON.createObjectNode();
    key.put("type", "service_account");
    key.put("project_id", "proj-1");
    key.put("private_key_id", "key-1");
    key.put("private_key", pem);
    key.put("client_email", email);
    key.put("client_id", "1234");
    key.put("token_uri", url("/google/token"));
    return key.toString();
  }

  /** Google's token endpoint: a JWT-bearer grant gives {@code ya29.local-N}. */
  private void googleToken(HttpExchange exchange) throws IOException {
    Call call = record(exchange);
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(call.form().get("grant_type"))
        || call.form().get("assertion") == null) {
      send(exchange, 400, "{\"error\":\"unsupported_grant_type\"}", "application/json");
      return;
    }
    send(
        exchange,
        200,
        "{\"access_token\":\"ya29.local-"
            + googleTokens.incrementAndGet()
            + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}",
        "application/json");
  }

  /** IAM Credentials generateAccessToken: needs a Google token; gives one for the target. */
  private void impersonate(HttpExchange exchange) throws IOException {
    Call call = record(exchange);
    String auth = call.headers().getOrDefault("authorization", "");
    if (!auth.startsWith("Bearer ya29.local-")) {
      send(exchange, 401, "{\"error\":{\"code\":401}}", "application/json");
      return;
    }
    String expire =
        Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    send(
        exchange,
        200,
        "{\"accessToken\":\"ya29.impersonated\",\"expireTime\":\"" + expire + "\"}",
        "application/json");
  }

  /** Entra ID's v2 token endpoint, client-credentials grant with a secret or an assertion. */
  private void entraToken(HttpExchange exchange, Call call) throws IOException {
    Map<String, String> form = call.form();
    boolean credential =
        form.get("client_secret") != null
            || ("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                    .equals(form.get("client_assertion_type"))
                && form.get("client_assertion") != null);
    if (!"client_credentials".equals(form.get("grant_type"))
        || !call.path().endsWith("/oauth2/v2.0/token")
        || form.get("client_id") == null
        || !credential
        || form.getOrDefault("scope", "").indexOf(ENTRA_SCOPE) < 0) {
      send(exchange, 400, "{\"error\":\"invalid_request\"}", "application/json");
      return;
    }
    send(
        exchange,
        200,
        "{\"token_type\":\"Bearer\",\"expires_in\":"
            + entraExpiresIn
            + ",\"ext_expires_in\":"
            + entraExpiresIn
            + ",\"access_token\":\"entra-"
            + entraTokens.incrementAndGet()
            + "\"}",
        "application/json");
  }

  /** STS query API: AssumeRole (SigV4-signed by the caller) and AssumeRoleWithWebIdentity. */
  private void sts(HttpExchange exchange) throws IOException {
    Call call = record(exchange);
    Map<String, String> form = call.form();
    String action = form.getOrDefault("Action", "");
    String keyId;
    switch (action) {
      case "AssumeRoleWithWebIdentity" -> {
        if (form.get("WebIdentityToken") == null || form.get("RoleArn") == null) {
          send(exchange, 400, "<ErrorResponse/>", "text/xml");
          return;
        }
        keyId = "ASIAWEBIDENTITY";
      }
      case "AssumeRole" -> {
        if (!call.headers().getOrDefault("authorization", "").startsWith("AWS4-HMAC-SHA256")
            || form.get("RoleArn") == null) {
          send(exchange, 403, "<ErrorResponse/>", "text/xml");
          return;
        }
        keyId = "ASIAASSUMED";
      }
      default -> {
        send(exchange, 400, "<ErrorResponse/>", "text/xml");
        return;
      }
    }
    String expiration =
        Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    String xml =
        "<"
            + action
            + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><"
            + action
            + "Result><Credentials><AccessKeyId>"
            + keyId
            + "</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey>"
            + "<SessionToken>sts-session</SessionToken><Expiration>"
            + expiration
            + "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>"
            + "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser></"
            + action
            + "Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></"
            + action
            + "Response>";
    send(exchange, 200, xml, "text/xml");
  }

  List<Call> calls(String pathPrefix) {
    return calls.stream().filter(c -> c.path().startsWith(pathPrefix)).toList();
  }

  private Call record(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
    Call call =
        new Call(
            exchange.getRequestURI().getPath(),
            headers,
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    calls.add(call);
    return call;
  }

  private static void send(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    entra.stop(0);
  }
}
