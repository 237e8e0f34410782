package io.trainyard.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The PostgreSQL that a default installation starts for itself, with its data under the data dir.
 * Blocking: call from a worker thread.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /**
   * Starts (initializing on first use) the database kept in {@code dataDir}. zonky initializes it with
   * {@code trust}, which lets any local process (a job program too) in as superuser; here the superuser
   * has a random password ({@link DatabasePassword}) and every connection must prove it (scram-sha-256).
   */
  public static EmbeddedDatabase start(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    stopOrphanedPostmaster(dataDir);
    DatabasePassword secret = DatabasePassword.load(dataDir.resolveSibling(DatabasePassword.FILE));
    boolean fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
    // A data directory made before passwords (trust, no password set) gets its password once it runs.
    boolean upgrade = !fresh && secret.created();
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (fresh) {
      builder.setLocaleConfig("pwfile", secret.file().toString()); // initdb --pwfile: the superuser's password
    }
    if (!upgrade) {
      builder.setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
    }
    EmbeddedPostgres pg = builder
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(freePort())
        // zonky's defaults trade durability for test speed; a job the API acknowledged must survive a crash.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100")
        .setServerConfig("password_encryption", "scram-sha-256")
        .setConnectConfig("password", secret.value())
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    if (upgrade) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("ALTER USER postgres PASSWORD '" + secret.value() + "'"); // url-safe base64: nothing to escape
        writeHba(dataDir);
        st.execute("SELECT pg_reload_conf()");
      } catch (SQLException e) {
        pg.close();
        throw new IOException("could not set the embedded database's password", e);
      }
      LOG.info("the embedded PostgreSQL now asks for a password (kept in " + secret.file() + ")");
    }
    return new EmbeddedDatabase(pg, secret.value());
  }

  /** Password authentication for every connection, local socket and TCP alike; nothing is trusted. */
  private static void writeHba(Path pgData) {
    try {
      Files.writeString(pgData.resolve("pg_hba.conf"), """
          # Written by Trainyard: every connection proves the superuser's password.
          local   all   all                  scram-sha-256
          host    all   all   127.0.0.1/32   scram-sha-256
          host    all   all   ::1/128        scram-sha-256
          """);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** URL of the database, for the pool. */
  public String url() {
    return "postgresql://postgres:" + password + "@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * After a SIGKILL of the server its postmaster keeps running and holds the data directory; a new
   * start would fail. Ask it for a fast shutdown (SIGINT) and wait for it to go.
   */
  static void stopOrphanedPostmaster(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    Optional<ProcessHandle> postmaster;
    try {
      List<String> lines = Files.readAllLines(pidFile);
      long pid = Long.parseLong(lines.get(0).trim());
      postmaster = ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    } catch (IOException | RuntimeException e) {
      return;
    }
    if (postmaster.isEmpty()) {
      return;
    }
    LOG.info("stopping the embedded PostgreSQL left running by a previous server (pid " + postmaster.get().pid() + ")");
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(postmaster.get().pid())).inheritIO().start().waitFor();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (postmaster.get().isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } catch (IOException e) {
      LOG.warning("could not stop the old postmaster: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
