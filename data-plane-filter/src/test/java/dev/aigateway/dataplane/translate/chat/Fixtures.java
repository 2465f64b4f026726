package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recorded provider traffic in ../shared/fixtures (see its README). */
public final class Fixtures {
  private static final YAMLMapper YAML = new YAMLMapper();

  private Fixtures() {}

  public static Path path(String relative) {
    String root = System.getProperty("gateway.fixtures");
    if (root == null) {
      throw new IllegalStateException("system property gateway.fixtures is not set");
    }
    return Path.of(root).resolve(relative);
  }

  /** Interaction {@code index} of a VCR cassette. */
  public static JsonNode interaction(String cassette, int index) {
    try {
      return YAML.readTree(path(cassette).toFile()).path("interactions").get(index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int status(JsonNode interaction) {
    return interaction.path("response").path("status").path("code").asInt();
  }

  /** The recorded response body bytes: vcrpy string or !!binary, or pydantic-ai parsed_body. */
  public static byte[] responseBody(JsonNode interaction) {
    return body(interaction.path("response"));
  }

  /** The recorded request body. */
  public static JsonNode requestBody(JsonNode interaction) {
    try {
      return Json.MAPPER.readTree(body(interaction.path("request")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] body(JsonNode message) {
    try {
      if (message.has("parsed_body")) {
        return Json.MAPPER.writeValueAsBytes(message.get("parsed_body"));
      }
      JsonNode body = message.path("body");
      JsonNode value = body.isObject() ? body.path("string") : body;
      if (value.isBinary()) {
        return value.binaryValue();
      }
      return value.asText().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
