package dev.aigateway.db;

import java.sql.SQLException;
import org.jooq.exception.DataAccessException;

/** Recognises PostgreSQL constraint violations behind jOOQ exceptions. */
public final class Conflicts {
  private Conflicts() {}

  /** True when {@code e} was caused by a unique constraint violation (SQLSTATE 23505). */
  public static boolean isUniqueViolation(Throwable e) {
    return "23505".equals(sqlState(e));
  }

  /** True when {@code e} was caused by a foreign key violation (SQLSTATE 23503). */
  public static boolean isForeignKeyViolation(Throwable e) {
    return "23503".equals(sqlState(e));
  }

  /** True when PostgreSQL refused a value (SQLSTATE class 22: data exception). */
  public static boolean isDataException(Throwable e) {
    String state = sqlState(e);
    return state != null && state.startsWith("22");
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
      if (t instanceof DataAccessException dae
          && dae.sqlState() != null
          && !"".equals(dae.sqlState())
          && !"00000".equals(dae.sqlState())) {
        return dae.sqlState();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
