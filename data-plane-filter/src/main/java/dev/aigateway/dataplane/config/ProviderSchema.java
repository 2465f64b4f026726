package dev.aigateway.dataplane.config;

import org.jspecify.annotations.Nullable;

/** The API a provider speaks, as stored in {@code providers.schema}. */
public enum ProviderSchema {
  OPENAI("openai"),
  OPENAI_COMPATIBLE("openai_compatible"),
  AZURE_OPENAI("azure_openai"),
  ANTHROPIC("anthropic"),
  AWS_BEDROCK("aws_bedrock"),
  GEMINI("gemini"),
  GCP_VERTEX("gcp_vertex");

  private final String wireName;

  ProviderSchema(String wireName) {
    this.wireName = wireName;
  }

  /** The name stored in the database and shown in the admin API. */
  public String wireName() {
    return wireName;
  }

  /** The schema with this stored name, or null when it is unknown to this build. */
  public static @Nullable ProviderSchema fromWire(String name) {
    for (ProviderSchema schema : values()) {
      if (schema.wireName.equals(name)) {
        return schema;
      }
    }
    return null;
  }
}
