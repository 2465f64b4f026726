package dev.aigateway.db;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Properties;

/**
 * Size and timeouts of one connection pool. A database that hangs (accepts connections but never
 * answers) must not hang the gateway: every connection of a pool has a connect timeout, a socket
 * read timeout and a server-side statement timeout, and waiting for a free connection is bounded by
 * the pool (5 s).
 *
 * @param name the pool's name in logs and metrics
 * @param statementTimeout PostgreSQL {@code statement_timeout} for every statement
 * @param socketTimeout pgjdbc {@code socketTimeout}: a read that waits longer fails the connection
 * @param connectTimeout pgjdbc {@code connectTimeout}
 */
public record PoolLimits(
    String name,
    int maxSize,
    Duration statementTimeout,
    Duration socketTimeout,
    Duration connectTimeout) {

  public PoolLimits {
    requireNonNull(name, "name");
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 1)");
    }
    if (socketTimeout.compareTo(statementTimeout) <= 0) {
      throw new IllegalArgumentException(
          "socketTimeout: " + socketTimeout + " (expected: > statementTimeout)");
    }
  }

  /** Admin API, reports, xDS and fleet status: reports over months may take a while. */
  public static PoolLimits admin(int maxSize) {
    return new PoolLimits(
        "gateway-db",
        maxSize,
        Duration.ofSeconds(60),
        Duration.ofSeconds(90),
        Duration.ofSeconds(5));
  }

  /**
   * The data plane's own pool: quota counters, ledger batches and config reads are small; none may
   * wait long, because the data plane serves from memory while they are retried.
   */
  public static PoolLimits dataPlane(int maxSize) {
    return new PoolLimits(
        "gateway-db-data-plane",
        maxSize,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(3));
  }

  /** {@code base} plus the pgjdbc properties that carry the timeouts. */
  Properties withTimeouts(Properties base) {
    Properties p = new Properties();
    p.putAll(base);
    p.setProperty("connectTimeout", Long.toString(seconds(connectTimeout)));
    p.setProperty("socketTimeout", Long.toString(seconds(socketTimeout)));
    p.setProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
    return p;
  }

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }
}
