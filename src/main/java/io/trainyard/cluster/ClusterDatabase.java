package io.trainyard.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A standalone PostgreSQL for trying a cluster on one machine ({@code scripts/cluster}): the embedded
 * one, on a port of its own, with its data in a directory of its own, durable, and with a password
 * (scram-sha-256; zonky's initdb trusts every local connection). Prints its URL and runs until stopped.
 * Usage: {@code ClusterDatabase <data dir> <port>}.
 */
public final class ClusterDatabase {
  private ClusterDatabase() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    Files.createDirectories(dir);
    String password = password(dir.resolveSibling(dir.getFileName() + ".password"));
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data")).setCleanDataDirectory(false)
        .setPort(port).setConnectConfig("password", password)
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
        .setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("max_connections", "200")
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (java.io.IOException e) {
        System.err.println("stopping PostgreSQL: " + e.getMessage());
      }
    }));
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      s.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
      Files.writeString(dir.resolve("data").resolve("pg_hba.conf"), """
          # Written by ClusterDatabase: every connection needs the password.
          local all all scram-sha-256
          host all all 127.0.0.1/32 scram-sha-256
          host all all ::1/128 scram-sha-256
          """);
      s.execute("SELECT pg_reload_conf()");
    }
    System.out.println("PostgreSQL is up: postgresql://postgres:" + password + "@127.0.0.1:" + port + "/postgres");
    Thread.currentThread().join();
  }

  /** The password kept beside the data (mode 600), made on first use: hex, so it needs no quoting. */
  private static String password(Path file) throws java.io.IOException {
    if (Files.isRegularFile(file)) {
      return Files.readString(file).trim();
    }
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    String pw = HexFormat.of().formatHex(b);
    Files.writeString(file, pw);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return pw;
  }
}
