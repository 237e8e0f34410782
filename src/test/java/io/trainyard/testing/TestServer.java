package io.trainyard.testing;

import io.trainyard.app.AppConfig;
import io.trainyard.app.Trainyard;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Trainyard node in the test JVM: its own Vert.x, data dir and database on the shared
 * PostgreSQL, HTTP on a free port, the real supervisor spawning real processes.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "admin-secret-1";
  private final Vertx vertx;
  private final Trainyard app;
  private final Path dataDir;
  private final String dbUrl;
  private final JsonObject conf;

  private TestServer(Vertx vertx, Trainyard app, Path dataDir, String dbUrl, JsonObject conf) {
    this.vertx = vertx;
    this.app = app;
    this.dataDir = dataDir;
    this.dbUrl = dbUrl;
    this.conf = conf;
  }

  /** Starts a node with the default test config adjusted by {@code tweak}. */
  public static TestServer start(Consumer<JsonObject> tweak) {
    return start(SharedPostgres.newDatabase(), tweak);
  }

  public static TestServer start() {
    return start(c -> { });
  }

  /** Starts a node on an existing database (e.g. a second node of a cluster). */
  public static TestServer start(String dbUrl, Consumer<JsonObject> tweak) {
    try {
      Path dataDir = Files.createTempDirectory("trainyard-test-data");
      Vertx vertx = Vertx.vertx();
      JsonObject conf = AppConfig.load(vertx, "conf/application.yaml", Map.of()).await();
      AppConfig.put(conf, "http.port", 0);
      AppConfig.put(conf, "data_dir", dataDir.toString());
      AppConfig.put(conf, "db.url", dbUrl);
      AppConfig.put(conf, "auth.admin_password", ADMIN_PASSWORD);
      // Hashing cost is not what these tests measure; production keeps the configured count.
      AppConfig.put(conf, "auth.pbkdf2_iterations", 1000);
      AppConfig.put(conf, "jobs.demo_step_ms", 5);
      AppConfig.put(conf, "scheduler.tick_ms", 500);
      AppConfig.put(conf, "supervisor.cancel_grace_seconds", 2);
      // Tests that plant stale rows settle them themselves; the background sweep is opted into.
      AppConfig.put(conf, "supervisor.sweep_ms", 0);
      tweak.accept(conf);
      Trainyard app = Trainyard.start(vertx, conf,
          new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)).await();
      return new TestServer(vertx, app, dataDir, dbUrl, conf);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Sets a job type's command to a script under src/test/resources/jobs. */
  public static void script(JsonObject conf, String type, String script) {
    AppConfig.put(conf, "jobs.types." + type + ".command",
        new JsonArray().add("bash").add(Path.of("src/test/resources/jobs", script).toAbsolutePath().toString()));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + app.port();
  }

  public int port() {
    return app.port();
  }

  public Path dataDir() {
    return dataDir;
  }

  public String dbUrl() {
    return dbUrl;
  }

  /** The HTTP routes the node mounts, "METHOD /path". */
  public java.util.List<String> routes() {
    return app.routes();
  }

  public String nodeId() {
    return app.nodeId();
  }

  public JsonObject conf() {
    return conf;
  }

  /**
   * Publishes {@code body} on this node's own event bus, as the node publishes its events. Tests use
   * it for markers: published after the events under test on the same address, a marker arrives
   * after them, so "the marker came" bounds "everything before it came" without a timed wait.
   */
  public void publish(String address, JsonObject body) {
    vertx.eventBus().publish(address, body);
  }

  /** The node's Vert.x, for tests that talk to one of its verticles over the event bus directly. */
  public Vertx vertx() {
    return vertx;
  }

  public Api api() {
    return new Api(baseUrl());
  }

  /** Signs in as the bootstrap admin. */
  public Api admin() {
    return api().login("admin", ADMIN_PASSWORD);
  }

  /** Creates a user (as admin) and returns a client signed in as them. */
  public Api user(String name, String mode) {
    admin().post("/api/users", new JsonObject().put("username", name).put("password", name + "-pass-1")
        .put("schedule_mode", mode)).expect(200);
    return api().login(name, name + "-pass-1");
  }

  public Connection sql() throws SQLException {
    return SharedPostgres.connect(dbUrl);
  }

  /** Stops the node like a clean shutdown (processes keep running; reconciliation is tested elsewhere). */
  @Override
  public void close() {
    app.stop().await();
    vertx.close().await();
  }
}
