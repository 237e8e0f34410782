package io.trainyard.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.auth.AuthService;
import io.trainyard.auth.LoginThrottle;
import io.trainyard.auth.PasswordHasher;
import io.trainyard.auth.TokenRepository;
import io.trainyard.auth.UserRepository;
import io.trainyard.cluster.ClusterSettings;
import io.trainyard.cluster.Membership;
import io.trainyard.cluster.NodeIdentity;
import io.trainyard.cluster.NodeVerticle;
import io.trainyard.http.HttpVerticle;
import io.trainyard.demo.DemoData;
import io.trainyard.jobs.DatasetCatalog;
import io.trainyard.jobs.Execution;
import io.trainyard.jobs.Inventory;
import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.Analytics;
import io.trainyard.jobs.Artifacts;
import io.trainyard.jobs.BulkActions;
import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.StorageCheck;
import io.trainyard.jobs.Submissions;
import io.trainyard.jobs.Templates;
import io.trainyard.metrics.JobMetrics;
import io.trainyard.notifications.Notifications;
import io.trainyard.notifications.SecretBox;
import io.trainyard.retention.RetentionVerticle;
import io.trainyard.logs.LogService;
import io.trainyard.providers.CloudJobs;
import io.trainyard.providers.ProvidersVerticle;
import io.trainyard.scheduler.SchedulerApi;
import io.trainyard.jobs.Limits;
import io.trainyard.jobs.ModelRepository;
import io.trainyard.jobs.ResultRepository;
import io.trainyard.logs.FollowSettings;
import io.trainyard.logs.LogTailVerticle;
import io.trainyard.scheduler.SchedulerVerticle;
import io.trainyard.store.Database;
import io.trainyard.supervisor.Keeper;
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

  /** The HTTP routes this node mounts, "METHOD /path" (see {@link HttpVerticle#routes()}). */
  public java.util.List<String> routes() {
    return http.routes();
  }

  public String nodeId() {
    return nodeId;
  }

  public static Future<Trainyard> start(Vertx vertx, JsonObject conf, PrometheusMeterRegistry registry) {
    return start(vertx, conf, registry, Membership.alone());
  }

  /** @param membership the cluster manager's view, {@link Membership#alone()} when not clustered */
  public static Future<Trainyard> start(Vertx vertx, JsonObject conf, PrometheusMeterRegistry registry,
                                        Membership membership) {
    ClusterSettings cluster = ClusterSettings.from(AppConfig.section(conf, "cluster"));
    if ("json".equals(AppConfig.section(conf, "logging").getString("format", "text"))) {
      for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
        h.setFormatter(new JsonLogFormatter());
      }
    }
    Path dataDir = Path.of(conf.getString("data_dir", "./data")).toAbsolutePath().normalize();
    JobPaths paths = new JobPaths(dataDir);
    DatasetCatalog datasets = new DatasetCatalog(paths.datasets(), csv -> {
      DemoData.Info info = DemoData.describe(csv);
      return new DatasetCatalog.Shape(info.geneSize(), info.outputDim(), info.rows());
    });
    Future<Prepared> prepared = vertx.executeBlocking(() -> {
      Files.createDirectories(paths.artifacts().resolve("jobs"));
      Files.createDirectories(paths.datasets());
      // A fresh installation has the demo dataset to try things with.
      if (!Files.exists(datasets.path("demo"))) {
        DemoData.writeDemo(datasets.path("demo"));
      }
      return new Prepared(nodeId(conf, dataDir),
          Inventory.from(AppConfig.section(conf, "node"), GpuDetection::nvidiaSmi), Keeper.install(dataDir));
    }, false).compose(ready -> cluster.enabled()
        ? NodeIdentity.checkUnique(vertx, ready.nodeId()).map(ready) : Future.succeededFuture(ready));
    return prepared.compose(ready -> Database.open(vertx, AppConfig.section(conf, "db"), dataDir).compose(db -> {
      String nodeId = ready.nodeId();
      JsonObject authConf = AppConfig.section(conf, "auth");
      JsonObject jobsConf = AppConfig.section(conf, "jobs");
      Limits limits = Limits.from(AppConfig.section(conf, "scheduler"), ready.inventory());
      UserRepository users = new UserRepository(db.pool());
      long ttlHours = authConf.getLong("token_ttl_hours", 720L);
      // PBKDF2 gets threads of its own: a sign-in flood queues there, not on the pool that launches jobs.
      AuthService auth = new AuthService(vertx, users, new TokenRepository(db.pool(), ttlHours),
          new PasswordHasher(authConf.getInteger("pbkdf2_iterations", 310_000)),
          vertx.createSharedWorkerExecutor("trainyard-password-hashing", authConf.getInteger("hashing_threads", 2)),
          new LoginThrottle(authConf.getInteger("login_max_failures", 5),
              authConf.getInteger("login_max_failures_per_address", 20),
              authConf.getLong("login_window_seconds", 60L) * 1000, System::currentTimeMillis));
      JobRepository jobRepo = new JobRepository(db.pool(), limits);
      MeterRegistry meters = registry != null ? registry : new SimpleMeterRegistry();
      JobMetrics metrics = new JobMetrics(meters);
      JobLedger ledger = new JobLedger(db.pool(), limits, vertx.eventBus(),
          // Published: in a cluster every node's scheduler may have room for what this change let start.
          () -> vertx.eventBus().publish(SchedulerApi.WAKE, null), metrics::announced);
      ModelRepository models = new ModelRepository(db.pool());
      ResultRepository results = new ResultRepository(db.pool());
      JsonObject limitsConf = AppConfig.section(conf, "limits");
      Execution execution = new Execution(AppConfig.section(conf, "jobs.types"), ready.inventory());
      Submissions submissions = new Submissions(vertx, jobRepo, ledger, models, datasets, paths,
          jobsConf.getInteger("default_epochs", 10), execution,
          new StorageCheck(vertx, paths.artifacts().resolve("jobs"), jobsConf.getLong("min_free_mb", 64L) << 20),
          limitsConf.getLong("max_queued_per_user", 10_000L));
      JobService jobs = new JobService(vertx, jobRepo, ledger, submissions, paths,
          new JobControlClient(vertx.eventBus()), nodeId);
      Launcher launcher = new Launcher(AppConfig.section(conf, "jobs.types"), paths.datasets(),
          jobsConf.getLong("demo_step_ms", 250L), ready.keeper());
      long graceMs = AppConfig.section(conf, "supervisor").getLong("cancel_grace_seconds", 10L) * 1000;
      JsonObject logsConf = AppConfig.section(conf, "logs");
      JsonObject polling = AppConfig.section(conf, "background.job_status_polling");
      CloudJobs cloud = CloudJobs.create(vertx, polling, AppConfig.section(conf, "providers.replicate"), jobRepo,
          ledger, paths, meters);
      Future<SecretBox> sealing = SecretBox.resolve(AppConfig.section(conf, "notifications"), cluster.enabled(),
          db.pool(), () -> vertx.executeBlocking(() -> SecretBox.at(dataDir.resolve("notifications.key")), false));
      Notifications.Parts notifications = Notifications.create(vertx, db.pool(), jobRepo, sealing,
          AppConfig.section(conf, "notifications"));
      HttpVerticle.Services services = new HttpVerticle.Services(auth, jobs, new LogService(vertx, jobs, nodeId),
          new Artifacts(vertx, datasets, models, results), new BulkActions(jobs, db.pool()),
          new Templates(db.pool(), submissions, limitsConf.getInteger("max_templates_per_user", 1000)), new Analytics(db.pool()),
          () -> db.pool().query("SELECT 1").execute(), db.reachability()::reachable, notifications.service());
      JsonObject httpConf = AppConfig.section(conf, "http").copy()
          .put("metrics_token", AppConfig.section(conf, "metrics").getString("token", ""));
      HttpVerticle http = new HttpVerticle(httpConf, AppConfig.section(conf, "sse"), services,
          registry, ttlHours * 3600);
      // Order matters: the log follower listens before the supervisor re-adopts jobs (and follows their
      // logs again), the supervisor reconciles this node's jobs before the scheduler may start any,
      // and HTTP opens last, when every service it asks is listening.
      return auth.bootstrapAdmin(authConf.getString("admin_password", ""))
          .compose(v -> vertx.deployVerticle(new LogTailVerticle(nodeId, paths.artifacts(),
              logsConf.getInteger("tail_chars", 20_000), jobRepo, FollowSettings.from(logsConf))))
          .compose(v -> vertx.deployVerticle(new SupervisorVerticle(jobRepo, ledger, launcher, nodeId,
              graceMs, AppConfig.section(conf, "supervisor").getLong("sweep_ms", 5000L))))
          .compose(v -> vertx.deployVerticle(new NodeVerticle(db.pool(), ledger, membership, cluster, nodeId,
              limits.nodeCapacity(), paths, ready.inventory(), execution)))
          .compose(v -> vertx.deployVerticle(new SchedulerVerticle(jobRepo, ledger, nodeId,
              AppConfig.section(conf, "scheduler").getLong("tick_ms", 2000L), metrics::schedulerPass)))
          .compose(v -> vertx.deployVerticle(new ProvidersVerticle(cloud, polling, nodeId)))
          .compose(v -> vertx.deployVerticle(metrics.follower(jobRepo,
              AppConfig.section(conf, "metrics").getLong("refresh_ms", 5000L))))
          .compose(v -> sealing)
          .compose(v -> vertx.deployVerticle(notifications.sender()))
          .compose(v -> vertx.deployVerticle(new RetentionVerticle(db.pool(), services.bulk(),
              AppConfig.section(conf, "retention"))))
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

  /** What start-up reads or makes in the data directory before storage opens. */
  private record Prepared(String nodeId, Inventory inventory, Keeper keeper) {
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
