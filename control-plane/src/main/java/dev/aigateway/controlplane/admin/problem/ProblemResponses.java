package dev.aigateway.controlplane.admin.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.controlplane.outage.DatabaseFailures;
import dev.aigateway.db.Conflicts;
import dev.aigateway.db.Ref;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns admin API errors into RFC 9457 {@code application/problem+json}. No
 * response carries a stack trace, an exception message from a library, or a submitted value.
 */
public final class ProblemResponses {
  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  private ProblemResponses() {}

  /** Registers the exception handlers on the admin server. */
  public static void register(RoutesConfig routes, ObjectMapper mapper) {
    routes.exception(ApiProblem.class, (e, ctx) -> write(ctx, mapper, e));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          HttpStatus status = HttpStatus.forStatus(e.getStatus());
          if (!ctx.path().startsWith("/api/")) {
            // Outside the API (console, health) answer plainly, as Javalin would.
            ctx.status(e.getStatus()).contentType("text/plain").result(status.getMessage());
            return;
          }
          String detail =
              switch (e.getStatus()) {
                case 404 -> "no such resource or route: " + ctx.method() + " " + ctx.path();
                case 405 -> "method not allowed";
                case 413 -> "request body too large";
                default -> status.getMessage();
              };
          write(ctx, mapper, ApiProblem.of(e.getStatus(), status.getMessage(), detail));
        });
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          if (DatabaseFailures.isUnavailable(e)) {
            // The database went away between the reachability check and this request.
            log.warn(
                "{} {}: the database is unreachable ({})",
                ctx.method(),
                ctx.path(),
                DatabaseFailures.rootMessage(e));
            write(ctx, mapper, DatabaseDown.problem(ctx));
            return;
          }
          if (Conflicts.isUniqueViolation(e)) {
            write(ctx, mapper, ApiProblem.conflict("a resource with this name already exists"));
            return;
          }
          if (Conflicts.isDataException(e)) {
            // A safety net: values PostgreSQL cannot store (NUL characters, dates out of range)
            // are a client error even where validation did not anticipate them.
            write(
                ctx,
                mapper,
                ApiProblem.badRequest("a value cannot be stored", java.util.List.of()));
            return;
          }
          if (Conflicts.isForeignKeyViolation(e)) {
            write(
                ctx,
                mapper,
                ApiProblem.conflict("a referenced resource was changed concurrently; retry"));
            return;
          }
          log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
          write(
              ctx,
              mapper,
              ApiProblem.of(500, "Internal Server Error", "unexpected error; see the server log"));
        });
  }

  /** Writes {@code problem} as the response. */
  public static void write(Context ctx, ObjectMapper mapper, ApiProblem problem) {
    ObjectNode body = mapper.createObjectNode();
    body.put("type", "about:blank");
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.getMessage());
    if (!problem.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (FieldError error : problem.errors()) {
        errors.addObject().put("field", error.field()).put("message", error.message());
      }
    }
    if (!problem.referencedBy().isEmpty()) {
      ArrayNode refs = body.putArray("referenced_by");
      for (Ref ref : problem.referencedBy()) {
        refs.addObject()
            .put("type", ref.type())
            .put("id", ref.id().toString())
            .put("name", ref.name());
      }
    }
    try {
      ctx.status(problem.status())
          .contentType(CONTENT_TYPE)
          .result(mapper.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
