package dev.aigateway.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 7, replayed: a local user connected to the embedded PostgreSQL as {@code postgres}
 * with no password and ran {@code COPY ... TO PROGRAM}. Now the server asks every connection for a
 * SCRAM password that only the gateway's data directory holds.
 */
class EmbeddedPostgresAuthTest {
  @TempDir Path dataDir;

  @Test
  void localUserWithoutThePasswordCannotConnectOrRunPrograms() throws Exception {
    Path marker = dataDir.resolve("pwned");
    try (Database db = Database.start(new DatabaseSettings(null, null, null, dataDir, 2))) {
      int port = port(db);
      for (String password : new String[] {null, "", "postgres", "wrong-password"}) {
        assertThatThrownBy(() -> attack(port, password, marker))
            .as("password " + password)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("password");
      }
      assertThat(marker).doesNotExist();
      assertThat(db.dsl().fetchValue("show synchronous_commit")).isEqualTo("on");
      assertThat(db.dsl().fetchValue("show password_encryption")).isEqualTo("scram-sha-256");
      assertThat(
              db.dsl()
                  .fetchValue(
                      "select count(*)::int from pg_hba_file_rules where auth_method <>"
                          + " 'scram-sha-256'"))
          .isEqualTo(0);
      assertThat(
              db.dsl()
                  .fetchValue(
                      "select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where"
                          + " rolname = 'postgres'"))
          .isEqualTo(true);
    }
    Path passwordFile = dataDir.resolve("postgres").resolve(EmbeddedPostgresAuth.PASSWORD_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
        .isEqualTo("rw-------");
    // The same password opens it after a restart.
    try (Database db = Database.start(new DatabaseSettings(null, null, null, dataDir, 2))) {
      assertThat(db.isReachable()).isTrue();
    }
  }

  @Test
  void aDataDirectoryFromAnOlderGatewayIsUpgradedAndKeepsItsData() throws Exception {
    Path pgData = dataDir.resolve("postgres");
    // What earlier gateways left: initdb's trust-everyone pg_hba.conf and no password.
    try (EmbeddedPostgres old =
            EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        Connection c = old.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table kept (v text)");
      s.execute("insert into kept values ('before upgrade')");
    }
    try (Database db = Database.start(new DatabaseSettings(null, null, null, dataDir, 2))) {
      int port = port(db);
      assertThatThrownBy(() -> attack(port, null, dataDir.resolve("pwned")))
          .isInstanceOf(SQLException.class);
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                  credentials(Files.readString(pgData.resolve("gateway-password")).trim()));
          Statement s = c.createStatement();
          var rs = s.executeQuery("select v from kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("before upgrade");
      }
    }
  }

  private static int port(Database db) {
    String url = db.jdbcUrl();
    String rest = url.substring(url.indexOf("//") + 2);
    return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
  }

  /** What the attacker ran: log in as postgres and have the server run a program. */
  private static void attack(int port, String password, Path marker) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", credentials(password));
        Statement s = c.createStatement()) {
      s.execute("copy (select 1) to program 'touch " + marker + "'");
    }
  }

  private static Properties credentials(String password) {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }
}
