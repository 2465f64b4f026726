package dev.aigateway.fakeprovider;

import static dev.aigateway.fakeprovider.Synth.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Google APIs' error shape, {@code {"error":{"code","message","status"}}}, for Gemini and Vertex.
 */
final class GoogleErrors {
  private GoogleErrors() {}

  static Reply reply(int status, String message) {
    String code =
        switch (status) {
          case 400 -> "INVALID_ARGUMENT";
          case 401 -> "UNAUTHENTICATED";
          case 403 -> "PERMISSION_DENIED";
          case 404 -> "NOT_FOUND";
          case 409 -> "ABORTED";
          case 429 -> "RESOURCE_EXHAUSTED";
          case 499 -> "CANCELLED";
          case 501 -> "UNIMPLEMENTED";
          case 503 -> "UNAVAILABLE";
          case 504 -> "DEADLINE_EXCEEDED";
          default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", status).put("message", message).put("status", code);
    return Reply.json(status, body.toString());
  }
}
