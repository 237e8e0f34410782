package io.trainyard.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.auth.AuthService;
import io.trainyard.auth.PasswordHasher;
import io.trainyard.auth.TokenRepository;
import io.trainyard.auth.UserRepository;
import io.trainyard.http.HttpVerticle;
import io.trainyard.jobs.DatasetCatalog;
import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.Limits;
import io.trainyard.jobs.ModelRepository;
import io.trainyard.jobs.ResultRepository;
import io.trainyard.logs.LogTailVerticle;
import io.trainyard.scheduler.SchedulerVerticle;
import io.trainyard.store.Database;
import io.trainyard.supervisor.Launcher;
import io.trainyard.supervisor.SupervisorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The composition root: opens storage, bootstraps, and deploys the verticles in dependency order
 * (supervisor reconciles before the scheduler may start anything; HTTP last).
 */
public final class Trainyard {
  private final Vertx vertx;
  private final Database db;
  private final HttpVerticle http;
  private final String nodeId;

  private Trainyard(Vertx vertx, Database db, HttpVerticle http, String nodeId) {
    this.vertx = vertx;
    this.db = db;
    this.http = http;
    this.nodeId = nodeId;
  }

  public int port() {
    return http.port();
  }

  public String nodeId() {
    return nodeId;
  }

  public static Future<Trainyard> start(Vertx vertx, JsonObject conf, PrometheusMeterRegistry registry) {
    Path dataDir = Path.of(conf.getString("data_dir", "./data")).toAbsolutePath().normalize();
    JobPaths paths = new JobPaths(dataDir);
    DatasetCatalog datasets = new DatasetCatalog(paths.datasets());
    Future<String> prepared = vertx.executeBlocking(() -> {
      Files.createDirectories(paths.artifacts().resolve("jobs"));
      datasets.ensureDemo();
      return nodeId(conf, dataDir);
    }, false);
    return prepared.compose(nodeId -> Database.open(vertx, AppConfig.section(conf, "db"), dataDir).compose(db -> {
      JsonObject authConf = AppConfig.section(conf, "auth");
      JsonObject jobsConf = AppConfig.section(conf, "jobs");
      Limits limits = Limits.from(AppConfig.section(conf, "scheduler"));
      UserRepository users = new UserRepository(db.pool());
      long ttlHours = authConf.getLong("token_ttl_hours", 720L);
      AuthService auth = new AuthService(vertx, users, new TokenRepository(db.pool(), ttlHours),
          new PasswordHasher(authConf.getInteger("pbkdf2_iterations", 310_000)));
      JobRepository jobRepo = new JobRepository(db.pool(), limits);
      ModelRepository models = new ModelRepository(db.pool());
      ResultRepository results = new ResultRepository(db.pool());
      JobService jobs = new JobService(vertx, jobRepo, models, results, datasets, paths,
          jobsConf.getInteger("default_epochs", 10), nodeId);
      Launcher launcher = new Launcher(AppConfig.section(conf, "jobs.types"), paths.datasets(),
          jobsConf.getLong("demo_step_ms", 250L));
      long graceMs = AppConfig.section(conf, "supervisor").getLong("cancel_grace_seconds", 10L) * 1000;
      int tailChars = AppConfig.section(conf, "logs").getInteger("tail_chars", 20_000);
      HttpVerticle http = new HttpVerticle(AppConfig.section(conf, "http"), AppConfig.section(conf, "sse"), auth, jobs, db.pool(), registry,
          ttlHours * 3600);
      // --- Cloud jobs (issue 4): the providers service, its routes, and the poller deployed before HTTP ---
      io.trainyard.providers.CloudJobs cloud = io.trainyard.providers.CloudJobs.create(vertx, conf, jobRepo, paths);
      http.cloud(new io.trainyard.http.CloudRoutes(cloud));
      io.trainyard.providers.ProviderPollerVerticle poller = new io.trainyard.providers.ProviderPollerVerticle(cloud,
          AppConfig.section(conf, "background.job_status_polling"), nodeId);
      // --- end cloud jobs ---
      return auth.bootstrapAdmin(authConf.getString("admin_password", ""))
          .compose(v -> vertx.deployVerticle(new SupervisorVerticle(jobRepo, models, results, launcher, nodeId, graceMs)))
          .compose(v -> vertx.deployVerticle(new LogTailVerticle(nodeId, paths.artifacts(), tailChars, jobRepo,
              AppConfig.section(conf, "logs").getLong("batch_ms", 150L),
              AppConfig.section(conf, "logs").getLong("progress_persist_ms", 1000L))))
          .compose(v -> vertx.deployVerticle(new SchedulerVerticle(jobRepo, nodeId,
              AppConfig.section(conf, "scheduler").getLong("tick_ms", 2000L))))
          .compose(v -> vertx.deployVerticle(poller)) // cloud jobs (issue 4)
          .compose(v -> vertx.deployVerticle(http))
          .map(v -> new Trainyard(vertx, db, http, nodeId))
          .recover(err -> db.close(vertx).transform(x -> Future.failedFuture(err)));
    }));
  }

  /** Undeploys everything and closes storage (job processes keep running; a restart reconciles them). */
  public Future<Void> stop() {
    Future<Void> undeploy = Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).mapEmpty();
    return undeploy.transform(x -> db.close(vertx));
  }

  /** Configured id, or one generated once and kept in the data dir so a restart is the same node. */
  private static String nodeId(JsonObject conf, Path dataDir) throws java.io.IOException {
    String configured = conf.getString("node_id", "");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    Path file = dataDir.resolve("node_id");
    if (Files.isRegularFile(file)) {
      return Files.readString(file).trim();
    }
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    String id = "node-" + HexFormat.of().formatHex(b);
    Files.writeString(file, id);
    return id;
  }
}
