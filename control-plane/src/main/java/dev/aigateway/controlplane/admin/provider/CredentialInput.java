package dev.aigateway.controlplane.admin.provider;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A credential as submitted: {@code kind} plus the fields of that kind (see {@code
 * CredentialKind#fields}), any JSON value so that a wrong type gets a per-field 400. Never
 * serialised back: its {@link #toString} hides every value.
 */
public final class CredentialInput {
  private @Nullable String kind;
  private final Map<String, @Nullable Object> fields = new LinkedHashMap<>();

  public CredentialInput() {}

  @JsonProperty("kind")
  public @Nullable String kind() {
    return kind;
  }

  @JsonProperty("kind")
  void kind(@Nullable String kind) {
    this.kind = kind;
  }

  @JsonAnySetter
  void field(String name, @Nullable Object value) {
    fields.put(name, value);
  }

  /** Every submitted field except {@code kind}, in the order sent. */
  public Map<String, @Nullable Object> fields() {
    return Collections.unmodifiableMap(fields);
  }

  @Override
  public String toString() {
    return "CredentialInput[kind=" + kind + ", values hidden]";
  }
}
