package dev.aigateway.dataplane.processor.boundary;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Breaks the store boundary on purpose, in the test sources only: {@code StoreBoundaryTest} shows
 * its rule catches a request-path class that talks JDBC.
 */
public final class ReachesIntoTheDatabase {
  private ReachesIntoTheDatabase() {}

  public static boolean ping(Connection connection) throws SQLException {
    return connection.isValid(1);
  }
}
