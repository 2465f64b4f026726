package dev.aigateway.controlplane.admin.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.controlplane.admin.problem.ApiProblem;
import dev.aigateway.controlplane.admin.problem.FieldError;
import dev.aigateway.controlplane.admin.problem.Validation;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Reading requests strictly: JSON bodies, paging, ids and versions, all as 400s when malformed. */
public final class Requests {
  private Requests() {}

  /** A parsed JSON object body and the request record read from it. */
  public record Body<T>(ObjectNode json, T value) {
    public boolean has(String field) {
      return json.has(field);
    }
  }

  /** Reads the body as a JSON object and maps it onto {@code type}. */
  public static <T> Body<T> body(Context ctx, ObjectMapper mapper, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiProblem.badRequest("a JSON object body is required", List.of());
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      // Jackson's own message may quote the input, which may be a secret: report the position only.
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw ApiProblem.badRequest("malformed JSON" + where, List.of());
    } catch (java.io.IOException e) {
      throw ApiProblem.badRequest("unreadable request body", List.of());
    }
    if (!(tree instanceof ObjectNode object)) {
      throw ApiProblem.badRequest("the body must be a JSON object", List.of());
    }
    try {
      return new Body<>(object, mapper.treeToValue(object, type));
    } catch (JacksonException e) {
      throw typeProblem(e);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest("the body does not match the expected shape", List.of());
    }
  }

  private static ApiProblem typeProblem(JacksonException e) {
    String field = e instanceof JsonMappingException m ? path(m) : "";
    String message;
    if (e instanceof UnrecognizedPropertyException) {
      message = "unknown field";
    } else if (e instanceof InvalidFormatException f) {
      message =
          f.getTargetType() == Instant.class
              ? "must be an RFC 3339 timestamp such as 2026-01-31T00:00:00Z"
              : "has an invalid value for type " + typeName(f.getTargetType());
    } else if (e instanceof MismatchedInputException m) {
      message = "has the wrong type (expected " + typeName(m.getTargetType()) + ")";
    } else if (e.getCause() instanceof DateTimeParseException) {
      message = "must be an RFC 3339 timestamp such as 2026-01-31T00:00:00Z";
    } else {
      message = "has the wrong type or is out of range";
    }
    return ApiProblem.badRequest(
        "the request body does not match the expected shape",
        List.of(new FieldError(field.isEmpty() ? "$" : field, message)));
  }

  private static String typeName(@Nullable Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == String.class || type == UUID.class) {
      return "string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "integer";
    }
    if (Number.class.isAssignableFrom(type)) {
      return "number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "boolean";
    }
    if (type == Instant.class) {
      return "RFC 3339 timestamp";
    }
    if (List.class.isAssignableFrom(type)) {
      return "array";
    }
    return "object";
  }

  /** {@code targets[0].weight} from a Jackson path. */
  static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(Validation.echoableName(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** {@code limit} (1..500, default 50) and {@code offset} (>= 0, default 0). */
  public record Paging(int limit, int offset) {}

  public static Paging paging(Context ctx) {
    int limit = intParam(ctx, "limit", 50, 1, 500);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    return new Paging(limit, offset);
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiProblem.badRequest(
        "invalid query parameter",
        List.of(new FieldError(name, "must be an integer between " + min + " and " + max)));
  }

  /** A non-empty query parameter, or null. */
  public static @Nullable String query(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > 256 || value.indexOf('\u0000') >= 0) {
      throw ApiProblem.badRequest(
          "invalid query parameter",
          List.of(new FieldError(name, "must be at most 256 characters, without NUL")));
    }
    return value;
  }

  public static @Nullable Instant instantQuery(Context ctx, String name) {
    String value = query(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      Instant parsed = Instant.parse(value);
      if (parsed.isAfter(Instant.parse("9999-12-31T23:59:59Z"))
          || parsed.isBefore(Instant.parse("0001-01-01T00:00:00Z"))) {
        throw new DateTimeParseException("out of range", value, 0);
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw ApiProblem.badRequest(
          "invalid query parameter",
          List.of(
              new FieldError(name, "must be an RFC 3339 timestamp such as 2026-01-31T00:00:00Z")));
    }
  }

  /** The path parameter as a UUID, if it is one. */
  public static Optional<UUID> uuid(@Nullable String value) {
    if (value == null || value.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The path parameter as a UUID, or 404 naming {@code what}. */
  public static UUID idParam(Context ctx, String param, String what) {
    return uuid(ctx.pathParam(param)).orElseThrow(() -> ApiProblem.notFound("no such " + what));
  }

  /**
   * The version the client last read: {@code version} in the body or an {@code If-Match} header.
   * One of them is required for an update.
   */
  public static long expectedVersion(Context ctx, @Nullable Long bodyVersion) {
    if (bodyVersion != null) {
      return bodyVersion;
    }
    String ifMatch = ctx.header("If-Match");
    if (ifMatch != null) {
      String tag = ifMatch.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      try {
        return Long.parseLong(tag);
      } catch (NumberFormatException e) {
        throw ApiProblem.badRequest(
            "invalid If-Match header",
            List.of(new FieldError("If-Match", "must be the resource version, e.g. \"3\"")));
      }
    }
    throw ApiProblem.invalid(
        "version", "is required (the version last read, or an If-Match header)");
  }
}
