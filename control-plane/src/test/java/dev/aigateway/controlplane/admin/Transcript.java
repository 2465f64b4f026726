package dev.aigateway.controlplane.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the admin test suite saw in one JVM: every response body, every log line, and every
 * secret the tests created, so that {@code SecretScanTest} can look for leaks.
 */
public final class Transcript {
  /** A response body; {@code id} identifies it for the one allowed sighting of a key secret. */
  public record Response(long id, String request, int status, String body) {}

  /** A secret and, for a key secret, the id of the single response allowed to show it. */
  public record Secret(String value, String what, long allowedIn) {}

  private static final List<Response> RESPONSES = new ArrayList<>();
  private static final List<String> LOG_LINES = new ArrayList<>();
  private static final List<Secret> SECRETS = new ArrayList<>();
  private static long nextId = 1;

  private Transcript() {}

  static synchronized long response(String request, int status, String body) {
    long id = nextId++;
    RESPONSES.add(new Response(id, request, status, body));
    return id;
  }

  public static synchronized void logLine(String line) {
    LOG_LINES.add(line);
  }

  /** A secret that must never appear in any response or log line. */
  public static synchronized void secret(String value, String what) {
    SECRETS.add(new Secret(value, what, -1));
  }

  /** A secret that may appear only in the response with id {@code allowedIn}. */
  public static synchronized void secretShownOnceIn(String value, String what, long allowedIn) {
    SECRETS.add(new Secret(value, what, allowedIn));
  }

  public static synchronized List<Response> responses() {
    return List.copyOf(RESPONSES);
  }

  public static synchronized List<String> logLines() {
    return List.copyOf(LOG_LINES);
  }

  public static synchronized List<Secret> secrets() {
    return List.copyOf(SECRETS);
  }
}
