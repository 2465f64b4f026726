package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OAuth token endpoint for service accounts ({@code POST /token}, the JWT-bearer grant of
 * RFC 7523): a service-account key whose {@code token_uri} points here gets an access token that
 * {@link VertexResponder} accepts. It checks the grant type and the assertion's header and claims
 * ({@code iss}, {@code aud} = Google's token server or this endpoint, {@code scope}, {@code exp} in
 * the future), not its signature: the fake does not know the key's public half.
 */
final class OAuthTokenResponder implements Responder {
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** The audience Google's auth library always signs for, whatever the key's token_uri says. */
  static final String GOOGLE_TOKEN_SERVER = "https://oauth2.googleapis.com/token";

  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();

  @Override
  public Reply answer(FakeProvider.ReceivedRequest request) {
    Map<String, String> form = form(request.body());
    if (!JWT_BEARER.equals(form.get("grant_type"))) {
      return error(400, "unsupported_grant_type");
    }
    JsonNode claims = claims(form.getOrDefault("assertion", ""));
    if (claims == null) {
      return invalidGrant("Invalid JWT: not a signed RS256 JWT.");
    }
    String endpoint = "http://" + request.headers().get("host") + request.rawPath();
    if (claims.path("iss").asText().isEmpty()) {
      return invalidGrant("Invalid JWT: no iss claim.");
    }
    String audience = claims.path("aud").asText();
    if (!audience.equals(GOOGLE_TOKEN_SERVER) && !audience.equals(endpoint)) {
      return invalidGrant("Invalid JWT: aud must be " + GOOGLE_TOKEN_SERVER + ".");
    }
    if (claims.path("scope").asText().isEmpty()) {
      return invalidGrant("Invalid JWT: no scope claim.");
    }
    if (claims.path("exp").asLong() <= Instant.now().getEpochSecond()) {
      return invalidGrant("Invalid JWT: Token must be a short-lived token and expired.");
    }
    String token = "ya29.fake-" + count.incrementAndGet() + "-" + Synth.id("");
    issued.add(token);
    ObjectNode body =
        JSON.createObjectNode()
            .put("access_token", token)
            .put("expires_in", 3599)
            .put("token_type", "Bearer");
    return Reply.json(200, body.toString());
  }

  /** Whether this endpoint issued {@code token}. */
  boolean issued(String token) {
    return issued.contains(token);
  }

  /** How many tokens were issued (a gateway should cache them, not fetch one per request). */
  int issuedCount() {
    return count.get();
  }

  private static JsonNode claims(String assertion) {
    String[] parts = assertion.split("\\.");
    if (parts.length != 3 || parts[2].isEmpty()) {
      return null;
    }
    try {
      Base64.Decoder decoder = Base64.getUrlDecoder();
      JsonNode header = JSON.readTree(decoder.decode(parts[0]));
      if (!header.path("alg").asText().equals("RS256")) {
        return null;
      }
      return JSON.readTree(decoder.decode(parts[1]));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private Reply invalidGrant(String description) {
    ObjectNode body =
        JSON.createObjectNode().put("error", "invalid_grant").put("error_description", description);
    return Reply.json(400, body.toString());
  }

  @Override
  public Reply error(int status, String message) {
    ObjectNode body =
        JSON.createObjectNode()
            .put("error", status >= 500 ? "internal_failure" : "invalid_request")
            .put("error_description", message);
    return Reply.json(status, body.toString());
  }
}
