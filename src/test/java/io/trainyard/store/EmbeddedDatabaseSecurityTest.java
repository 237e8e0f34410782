package io.trainyard.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit finding 4: the embedded PostgreSQL let any local process in as superuser without a password
 * ({@code psql -h 127.0.0.1 -U postgres}), so any job could make its owner an admin.
 */
class EmbeddedDatabaseSecurityTest {

  @Test
  void aPasswordlessConnectionIsRefusedAndOnlyThePasswordInTheDataDirGetsIn() throws Exception {
    Path data = Files.createTempDirectory("trainyard-embedded");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data.resolve("pg"))) {
      assertLockedDown(db, data);
    }
    // A restart finds the same password and the same rules.
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data.resolve("pg"))) {
      assertLockedDown(db, data);
    }
  }

  @Test
  void aDataDirectoryMadeBeforePasswordsIsLockedDownOnItsNextStart() throws Exception {
    Path data = Files.createTempDirectory("trainyard-embedded-old");
    // As the server made it until now: zonky's trust, no password.
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg")).setCleanDataDirectory(false).start()) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + old.getPort() + "/postgres", "postgres", "")) {
        c.createStatement().execute("CREATE TABLE kept(x int)");
      }
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data.resolve("pg"))) {
      assertLockedDown(db, data);
      try (Connection c = DriverManager.getConnection(jdbc(db), "postgres", password(data))) {
        c.createStatement().executeQuery("SELECT count(*) FROM kept").close(); // the old data is still there
      }
    }
  }

  private static void assertLockedDown(EmbeddedDatabase db, Path data) throws Exception {
    Path file = data.resolve("db_password");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    SQLException none = assertThrows(SQLException.class, () -> DriverManager.getConnection(jdbc(db), "postgres", ""));
    assertTrue(none.getMessage().toLowerCase().contains("password"), none.getMessage());
    assertThrows(SQLException.class, () -> DriverManager.getConnection(jdbc(db), "postgres", "guess-guess"));
    try (Connection c = DriverManager.getConnection(jdbc(db), "postgres", password(data));
         ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
      assertTrue(rs.next());
    }
    assertTrue(db.url().contains(":" + password(data) + "@"), "the server's own pool uses the password");
  }

  private static String jdbc(EmbeddedDatabase db) {
    return "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres";
  }

  private static String password(Path data) throws Exception {
    return Files.readString(data.resolve("db_password")).trim();
  }
}
