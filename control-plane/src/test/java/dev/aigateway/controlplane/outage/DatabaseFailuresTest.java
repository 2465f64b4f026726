package dev.aigateway.controlplane.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {
  @Test
  void connectionFailuresAndServerShutdownsCountAsUnavailable() {
    assertThat(DatabaseFailures.isUnavailable(new SQLTransientConnectionException("pool timeout")))
        .isTrue();
    assertThat(
            DatabaseFailures.isUnavailable(
                new DataAccessException("x", new SQLException("refused", "08001"))))
        .isTrue();
    assertThat(
            DatabaseFailures.isUnavailable(
                new DataAccessException("x", new SQLException("admin shutdown", "57P01"))))
        .isTrue();
  }

  @Test
  void constraintViolationsAndSocketErrorsOutsideJdbcDoNot() {
    assertThat(
            DatabaseFailures.isUnavailable(
                new DataAccessException("x", new SQLException("duplicate", "23505"))))
        .isFalse();
    // The admin API's provider test connects to providers; their failures are not the database's.
    assertThat(DatabaseFailures.isUnavailable(new java.net.ConnectException("refused"))).isFalse();
    assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("bug"))).isFalse();
  }
}
