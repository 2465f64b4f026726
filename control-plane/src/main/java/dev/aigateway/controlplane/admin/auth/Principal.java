package dev.aigateway.controlplane.admin.auth;

import io.javalin.http.Context;

/** Who is calling the admin API: the admin token's name and role. */
public record Principal(String name, Role role) {
  private static final String ATTRIBUTE = "admin.principal";

  /** Read/write or read-only. */
  public enum Role {
    ADMIN,
    VIEWER;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role fromWire(String value) {
      return switch (value) {
        case "admin" -> ADMIN;
        case "viewer" -> VIEWER;
        default -> throw new IllegalArgumentException("role: " + value);
      };
    }
  }

  void attachTo(Context ctx) {
    ctx.attribute(ATTRIBUTE, this);
  }

  /** The principal the auth handler attached to this request. */
  public static Principal of(Context ctx) {
    Principal principal = ctx.attribute(ATTRIBUTE);
    if (principal == null) {
      throw new IllegalStateException("admin auth did not run for " + ctx.path());
    }
    return principal;
  }
}
