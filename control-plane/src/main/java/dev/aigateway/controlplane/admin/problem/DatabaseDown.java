package dev.aigateway.controlplane.admin.problem;

import io.javalin.http.Context;

/** The admin API's answer while the database is unreachable: 503 with a {@code retry-after}. */
public final class DatabaseDown {
  /** Seconds a client should wait: the control plane checks the database every second. */
  static final int RETRY_AFTER_SECONDS = 5;

  private DatabaseDown() {}

  /**
   * The problem to throw or write; sets {@code retry-after} on {@code ctx}. Reads answer 503 too:
   * every API call, starting with the token check, needs the database.
   */
  public static ApiProblem problem(Context ctx) {
    ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    return ApiProblem.of(
        503,
        "Service Unavailable",
        "the database is unreachable; the gateway keeps serving clients from memory, but the"
            + " admin API cannot read or change configuration until it is back");
  }
}
