package dev.aigateway.db.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

  @TempDir Path dataDir;

  @Test
  void dataSurvivesARestart() throws Exception {
    DatabaseSettings settings = new DatabaseSettings(null, null, null, dataDir, 2);
    try (Database db = Database.start(settings)) {
      db.dsl().execute("insert into teams (id, name) values (gen_random_uuid(), 'kept')");
    }
    try (Database db = Database.start(settings)) {
      assertThat(db.dsl().fetchValue("select name from teams")).isEqualTo("kept");
      assertThat(db.isEmbedded()).isTrue();
      assertThat(db.isReachable()).isTrue();
    }
  }

  @Test
  void startRecoversAfterTheOwningJvmWasKilled() throws Exception {
    Path pgData = dataDir.resolve("postgres");
    // A child JVM starts the server and is then killed with SIGKILL, leaving the postmaster
    // running.
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                KilledOwner.class.getName(),
                pgData.toString())
            .redirectErrorStream(true)
            .start();
    String ready = new String(child.getInputStream().readNBytes(6));
    assertThat(ready).isEqualTo("READY\n");
    long leftoverPid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0));
    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive)).contains(true);

    try (Database db = Database.start(new DatabaseSettings(null, null, null, dataDir, 2))) {
      assertThat(db.dsl().fetchValue("select count(*)::int from fleets")).isEqualTo(1);
    }
    assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void aStalePidFileOfADeadProcessIsIgnored() throws Exception {
    DatabaseSettings settings = new DatabaseSettings(null, null, null, dataDir, 2);
    try (Database db = Database.start(settings)) {
      assertThat(db.isReachable()).isTrue();
    }
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    Files.writeString(pidFile, "999999\n" + dataDir + "\n");
    try (Database db = Database.start(settings)) {
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  /** Entry point of the child JVM in {@link #startRecoversAfterTheOwningJvmWasKilled}. */
  public static final class KilledOwner {
    public static void main(String[] args) throws Exception {
      EmbeddedPostgresServer.start(Path.of(args[0]));
      System.out.print("READY\n");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
