package dev.aigateway.controlplane.admin.problem;

import dev.aigateway.db.Ref;
import java.util.List;

/**
 * An admin API error that becomes an RFC 9457 problem response. Messages never contain secrets:
 * they name fields and rules, never echo submitted values.
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;
  private final transient List<FieldError> errors;
  private final transient List<Ref> referencedBy;

  private ApiProblem(
      int status, String title, String detail, List<FieldError> errors, List<Ref> referencedBy) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.referencedBy = List.copyOf(referencedBy);
  }

  public static ApiProblem badRequest(String detail, List<FieldError> errors) {
    return new ApiProblem(400, "Bad Request", detail, errors, List.of());
  }

  public static ApiProblem invalid(List<FieldError> errors) {
    return new ApiProblem(
        422, "Unprocessable Content", "the request has invalid fields", errors, List.of());
  }

  public static ApiProblem invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static ApiProblem notFound(String detail) {
    return new ApiProblem(404, "Not Found", detail, List.of(), List.of());
  }

  public static ApiProblem conflict(String detail) {
    return new ApiProblem(409, "Conflict", detail, List.of(), List.of());
  }

  public static ApiProblem referenced(String detail, List<Ref> referencedBy) {
    return new ApiProblem(409, "Conflict", detail, List.of(), referencedBy);
  }

  public static ApiProblem staleVersion(long expected, long current) {
    return conflict(
        "version " + expected + " is stale (current: " + current + "); read the resource again");
  }

  public static ApiProblem of(int status, String title, String detail) {
    return new ApiProblem(status, title, detail, List.of(), List.of());
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public List<Ref> referencedBy() {
    return referencedBy;
  }
}
