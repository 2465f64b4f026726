package dev.aigateway.launcher;

import dev.aigateway.controlplane.lastgood.LastGood;
import dev.aigateway.controlplane.lastgood.LastGoodXdsFile;
import dev.aigateway.db.Database;
import dev.aigateway.db.DatabaseSettings;
import dev.aigateway.db.Redaction;
import dev.aigateway.db.secret.SecretCipher;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of a process that runs the control plane ({@code run}, {@code control-plane}), which
 * may start while an external database is down: it then serves the last good xDS state from the
 * data directory and migrates once the database answers.
 *
 * @param lastGood the state to serve, when the database was down at start; null when it answered
 */
record ControlPlaneDatabase(Database database, LastGood.@Nullable Loaded lastGood) {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneDatabase.class);
  private static final Duration WAIT = Duration.ofSeconds(2);

  /**
   * The embedded database is started (it is never "down"). An external one is probed: reachable, it
   * is migrated; down, the last good state is used; with no state on disk the start fails as before
   * (nothing to serve); with a state that cannot be opened (altered, another key) one line says so
   * and the start waits for the database.
   */
  static ControlPlaneDatabase open(DatabaseSettings settings, SecretCipher cipher)
      throws InterruptedException {
    if (settings.embedded()) {
      return new ControlPlaneDatabase(Database.start(settings), null);
    }
    Database db = Database.connectWhenReachable(settings);
    try {
      String failure = db.probeFailure();
      if (failure == null && migrated(db)) {
        return new ControlPlaneDatabase(db, null);
      }
      if (failure == null) {
        failure = "it went away during the migration";
      }
      LastGood found = new LastGoodXdsFile(settings.dataDir(), cipher, Clock.systemUTC()).load();
      String where = Redaction.jdbcUrl(settings.jdbcUrl());
      switch (found) {
        case LastGood.Loaded loaded -> {
          log.warn(
              "the database at {} is unreachable ({}); serving the last good Envoy config"
                  + " (revision {}, saved {}) and connecting in the background",
              where,
              failure,
              loaded.state().revision(),
              loaded.savedAt());
          return new ControlPlaneDatabase(db, loaded);
        }
        case LastGood.Absent absent -> {
          // Nothing to serve: start as before, which waits a little and then fails with the
          // connection's own reason in one line.
          db.close();
          return new ControlPlaneDatabase(Database.start(settings), null);
        }
        case LastGood.Unusable unusable -> {
          log.error(
              "the last good xDS state {} {}; not using it: waiting for the database at {} ({})",
              unusable.file(),
              unusable.reason(),
              where,
              failure);
          while (!(db.probe() && migrated(db))) {
            Thread.sleep(WAIT);
          }
          log.info("the database at {} answered; starting", where);
          return new ControlPlaneDatabase(db, null);
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      db.close();
      throw e;
    }
  }

  /** Migrates; false when the database went away meanwhile (any other failure is thrown). */
  private static boolean migrated(Database db) {
    try {
      db.migrate();
      return true;
    } catch (RuntimeException e) {
      if (!db.probe()) {
        return false;
      }
      throw e;
    }
  }
}
