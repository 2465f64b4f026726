package dev.aigateway.controlplane.outage;

import dev.aigateway.db.DatabaseUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells a database that cannot be reached apart from every other failure. */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /**
   * True when {@code e} (or a cause) says the database could not be reached or dropped the
   * connection: a pool that timed out waiting for a connection, a PostgreSQL connection-exception
   * SQLSTATE (class 08: refused, broken or timed-out sockets are reported so by pgjdbc) or a server
   * shutting down (57P01..57P03). Socket errors outside an SQLException are not counted: the admin
   * API also talks to providers (test connection).
   */
  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseUnavailableException
          || t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The innermost message, for one log line without a stack trace. */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
