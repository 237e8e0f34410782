package io.trainyard.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
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

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (initializing on first use) the database kept in {@code dataDir}. */
  public static EmbeddedDatabase start(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    stopOrphanedPostmaster(dataDir);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(freePort())
        // zonky's defaults trade durability for test speed; a job the API acknowledged must survive a crash.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    return new EmbeddedDatabase(pg);
  }

  /** URL of the database, for the pool. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
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
