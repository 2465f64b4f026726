package dev.aigateway.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.ServiceLoader;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's PostgreSQL: a pooled connection to an external server or to an embedded one started
 * here ({@link LocalPostgres}, when the {@code db-embedded} module is present), migrated to the
 * latest schema before it is handed out by {@link #start}.
 */
public final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  static final String EMBEDDED_DATABASE = "gateway";

  private final @Nullable LocalPostgres embedded;
  private final HikariDataSource pool;
  private final DSLContext dsl;
  private final String jdbcUrl;
  private final Properties credentials;

  private Database(
      @Nullable LocalPostgres embedded,
      HikariDataSource pool,
      String jdbcUrl,
      Properties credentials) {
    this.embedded = embedded;
    this.pool = pool;
    this.jdbcUrl = jdbcUrl;
    this.credentials = credentials;
    this.dsl = DSL.using(pool, SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
  }

  /**
   * Connects (starting the embedded server when no URL is configured) and migrates.
   *
   * @throws DatabaseUnavailableException when the database cannot be reached or migrated
   */
  public static Database start(DatabaseSettings settings) {
    LocalPostgres embedded = null;
    String url;
    Properties credentials = new Properties();
    if (settings.embedded()) {
      embedded = localPostgres().start(settings.dataDir().resolve("postgres"));
      url = embedded.jdbcUrl("postgres");
      credentials.setProperty("user", "postgres");
      credentials.setProperty("password", embedded.password());
      createDatabaseIfMissing(embedded.adminDataSource(), EMBEDDED_DATABASE);
      url = embedded.jdbcUrl(EMBEDDED_DATABASE);
    } else {
      url = settings.jdbcUrl();
      if (settings.user() != null) {
        credentials.setProperty("user", settings.user());
      }
      if (settings.password() != null) {
        credentials.setProperty("password", settings.password());
      }
    }
    try {
      Database database = connect(embedded, url, credentials, settings.maxPoolSize());
      // Not through the pool: its statement timeout is for requests; a migration may take longer.
      Migrations.migrate(database.unpooledDataSource());
      return database;
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /**
   * A pool on an external database that is neither checked nor migrated now: a database that is
   * down is connected to when it comes back (the ext_proc, which serves from its last good
   * configuration meanwhile and never migrates).
   */
  public static Database connectLazily(String jdbcUrl, Properties credentials, PoolLimits limits) {
    return connect(null, jdbcUrl, credentials, limits, -1);
  }

  /** The embedded server's starter, if this build has the {@code db-embedded} module. */
  private static LocalPostgres.Starter localPostgres() {
    return ServiceLoader.load(LocalPostgres.Starter.class)
        .findFirst()
        .orElseThrow(
            () ->
                new DatabaseUnavailableException(
                    "no database URL is set and this build has no embedded PostgreSQL (module"
                        + " db-embedded): set GATEWAY_DATABASE_URL"));
  }

  /** Wraps an already running server (tests) without starting or migrating anything. */
  public static Database connect(String jdbcUrl, Properties credentials, int maxPoolSize) {
    return connect(null, jdbcUrl, credentials, maxPoolSize);
  }

  private static Database connect(
      @Nullable LocalPostgres embedded, String jdbcUrl, Properties credentials, int maxPoolSize) {
    return connect(embedded, jdbcUrl, credentials, PoolLimits.admin(maxPoolSize), 10_000);
  }

  /**
   * @param initializationFailTimeout Hikari's: how long the first connection may take before the
   *     pool fails to start (-1: start without one)
   */
  private static Database connect(
      @Nullable LocalPostgres embedded,
      String jdbcUrl,
      Properties credentials,
      PoolLimits limits,
      long initializationFailTimeout) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(limits.name());
    config.setJdbcUrl(jdbcUrl);
    // Timeouts go to the pool only: the dedicated LISTEN connection waits on its socket for as
    // long as no config changes, which a socket timeout would break.
    config.setDataSourceProperties(limits.withTimeouts(credentials));
    config.setMaximumPoolSize(limits.maxSize());
    config.setMinimumIdle(Math.min(2, limits.maxSize()));
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(initializationFailTimeout);
    try {
      return new Database(embedded, new HikariDataSource(config), jdbcUrl, credentials);
    } catch (RuntimeException e) {
      throw new DatabaseUnavailableException(
          "cannot connect to the database at "
              + Redaction.jdbcUrl(jdbcUrl)
              + ": "
              + rootMessage(e)
              + " (check GATEWAY_DATABASE_URL, GATEWAY_DATABASE_USER and GATEWAY_DATABASE_PASSWORD)",
          e);
    }
  }

  private static void createDatabaseIfMissing(DataSource admin, String name) {
    try (Connection connection = admin.getConnection();
        Statement statement = connection.createStatement()) {
      var rs = statement.executeQuery("select 1 from pg_database where datname = '" + name + "'");
      if (!rs.next()) {
        statement.execute("create database " + name);
        log.info("created database {} in the embedded PostgreSQL", name);
      }
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(
          "cannot prepare the embedded database: " + e.getMessage(), e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /**
   * A second pool on the same database with {@code limits}, for the data plane: admin requests,
   * reports and xDS writes on this pool cannot take the connections the data plane needs. The
   * caller closes it (before this one); it never stops the embedded server.
   */
  public Database newPool(PoolLimits limits) {
    return connect(null, jdbcUrl, credentials, limits, -1);
  }

  /** Plain connections with this database's credentials and none of the pool's timeouts. */
  private DataSource unpooledDataSource() {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(jdbcUrl);
    String user = credentials.getProperty("user");
    if (user != null) {
      source.setUser(user);
    }
    String password = credentials.getProperty("password");
    if (password != null) {
      source.setPassword(password);
    }
    return source;
  }

  /** The connection pool. */
  public DataSource dataSource() {
    return pool;
  }

  /** A jOOQ context on the pool (PostgreSQL dialect). */
  public DSLContext dsl() {
    return dsl;
  }

  /** The JDBC URL in use; it carries no password when the password came from settings. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** True when this process started the database itself. */
  public boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * A new connection outside the pool, for long-lived uses such as {@code LISTEN}; the caller
   * closes it.
   */
  public Connection openDedicatedConnection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, credentials);
  }

  /** True when the database answers a trivial query within a second. */
  public boolean isReachable() {
    try (Connection connection = pool.getConnection()) {
      return connection.isValid(1);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** Closes the pool, then stops the embedded server if this process started one. */
  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
