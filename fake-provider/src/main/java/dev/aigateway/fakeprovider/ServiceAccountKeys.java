package dev.aigateway.fakeprovider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Service-account key files for Vertex AI tests: a fresh RSA key and a {@code token_uri} that
 * points at a fake provider's token endpoint ({@code <base url>/token}).
 */
public final class ServiceAccountKeys {
  private ServiceAccountKeys() {}

  /** A key file (JSON text) like the one the Google Cloud console downloads. */
  public static String json(String tokenUri) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      ObjectNode key = new ObjectMapper().createObjectNode();
      key.put("type", "service_account")
          .put("project_id", "fake-project")
          .put("private_key_id", "fake-key-1")
          .put("private_key", pem)
          .put("client_email", "gateway@fake-project.iam.gserviceaccount.com")
          .put("client_id", "1234")
          .put("token_uri", tokenUri);
      return key.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
