package io.trainyard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL for the whole test JVM; every test server gets a database of its own, so tests
 * never see each other's rows. Servers reach it through TRAINYARD_DB_URL, the external-database path.
 */
public final class SharedPostgres {
  /**
   * System property: when true, the shared PostgreSQL flushes every commit (fsync and synchronous
   * commit on), as a production node's does; tests leave it off for speed, benchmarks turn it on.
   */
  public static final String DURABLE = "trainyard.pg.durable";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres pg;

  private SharedPostgres() {
  }

  private static synchronized EmbeddedPostgres pg() {
    if (pg == null) {
      try {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
            .setDataDirectory(Files.createTempDirectory("trainyard-test-pg"))
            .setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300");
        if (Boolean.getBoolean(DURABLE)) {
          // Benchmarks measure against a PostgreSQL that keeps what it acknowledges, as a real node's does.
          builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on");
        }
        pg = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is going anyway
        }
      }));
    }
    return pg;
  }

  /** Creates an empty database and returns its postgresql:// URL. */
  public static String newDatabase() {
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = pg().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "postgresql://postgres@127.0.0.1:" + pg().getPort() + "/" + name;
  }

  /** A JDBC connection to a database made by {@link #newDatabase()}, for direct checks and setup. */
  public static Connection connect(String url) throws SQLException {
    String jdbc = url.replace("postgresql://postgres@", "jdbc:postgresql://");
    return DriverManager.getConnection(jdbc, "postgres", "");
  }
}
