package dev.aigateway.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.JSONB;
import org.jspecify.annotations.Nullable;

/** Conversions between {@code jsonb} columns and Java values. */
public final class Jsonb {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Jsonb() {}

  public static JSONB of(Object value) {
    try {
      return JSONB.valueOf(MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be written as JSON", e);
    }
  }

  public static @Nullable JSONB ofNullable(@Nullable Object value) {
    return value == null ? null : of(value);
  }

  public static Map<String, String> stringMap(@Nullable JSONB value) {
    if (value == null) {
      return Map.of();
    }
    try {
      return new TreeMap<>(
          MAPPER.readValue(value.data(), new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not an object of strings", e);
    }
  }

  public static @Nullable JsonNode tree(@Nullable JSONB value) {
    if (value == null) {
      return null;
    }
    try {
      return MAPPER.readTree(value.data());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is malformed", e);
    }
  }
}
