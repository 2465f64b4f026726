package dev.aigateway.dataplane.store.postgres;

import dev.aigateway.dataplane.error.StoreException;
import java.sql.SQLException;

/** Turns a database failure into the ports' {@link StoreException}, telling content from outage. */
final class Failures {
  private Failures() {}

  static StoreException of(Exception e) {
    if (e instanceof SQLException sql && isContentError(sql)) {
      // Only the state: the server's message may quote the refused values (client text).
      return StoreException.refused("SQLSTATE " + sql.getSQLState(), e);
    }
    return StoreException.unavailable(
        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
  }

  /**
   * SQLSTATE classes that blame the row (22 data exception, 23 integrity violation, 54 program
   * limit exceeded such as an index row over 2.7 KB): retrying the same row can never succeed.
   */
  static boolean isContentError(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      String state = x.getSQLState();
      if (state != null
          && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
        return true;
      }
    }
    return false;
  }
}
