package dev.aigateway.dataplane.translate.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Expectations for one row of a translator's table: JSON Pointer to the JSON expected there ({@code
 * MISSING} for a field that must be absent). Rows read as {@code "/a/b = {json}; /c = MISSING"},
 * with single quotes standing for double quotes.
 */
public record Expect(Map<String, String> pointers) {
  public static Expect of(String spec) {
    Map<String, String> pointers = new LinkedHashMap<>();
    for (String item : spec.split(";(?=\\s*/)")) {
      int eq = item.indexOf(" = ");
      pointers.put(item.substring(0, eq).trim(), item.substring(eq + 3).trim().replace('\'', '"'));
    }
    return new Expect(pointers);
  }

  /** Checks every pointer of this row against {@code body}. */
  public void check(JsonNode body) {
    pointers.forEach(
        (pointer, expected) -> {
          JsonNode actual = body.at(pointer);
          if (expected.equals("MISSING")) {
            assertThat(actual.isMissingNode()).as(pointer + " absent in " + body).isTrue();
          } else {
            assertThat(actual).as(pointer + " in " + body).isEqualTo(parse(expected));
          }
        });
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
