package io.trainyard.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.cli.TrainyardCli;
import io.trainyard.cluster.ClusterSettings;
import io.trainyard.cluster.HazelcastCluster;
import io.trainyard.cluster.Membership;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts a Trainyard node: config, metrics, storage, verticles; prints where to open it. With arguments, runs the CLI instead. */
public final class Main {
  static {
    // One line per record; must be set before the first logger is created.
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
  }

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {
  }

  public static void main(String[] args) {
    // One jar, two programs: no arguments starts the server as always; any argument is a CLI command.
    if (args.length > 0) {
      System.exit(TrainyardCli.run(args));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String configPath = System.getenv().getOrDefault("TRAINYARD_CONFIG", "conf/application.yaml");
    // The configuration decides whether Vert.x is clustered, so it is read with a Vert.x of its own.
    Vertx reader = Vertx.vertx();
    JsonObject conf;
    try {
      conf = AppConfig.load(reader, configPath, System.getenv()).toCompletionStage().toCompletableFuture().join();
    } finally {
      reader.close();
    }
    ClusterSettings cluster = ClusterSettings.from(AppConfig.section(conf, "cluster"));
    List<String> problems = cluster.problems(AppConfig.section(conf, "db").getString("url", ""));
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("Trainyard cannot start clustered: " + p));
      System.exit(2);
    }
    Membership membership = cluster.enabled() ? HazelcastCluster.create(cluster) : Membership.alone();
    Vertx vertx = vertx(registry, cluster, membership);
    Trainyard.start(vertx, conf, registry, membership).map(app -> {
          String host = AppConfig.section(conf, "http").getString("host", "127.0.0.1");
          String shown = host.equals("0.0.0.0") ? "localhost" : host;
          System.out.println("Trainyard node " + app.nodeId() + " is up: open http://" + shown + ":" + app.port() + "/");
          System.out.println("Sign in as 'admin' with TRAINYARD_ADMIN_PASSWORD (or the generated password printed on first start).");
          Runtime.getRuntime().addShutdownHook(new Thread(() -> app.stop().await()));
          return app;
        })
        .onFailure(err -> {
          LOG.log(Level.SEVERE, "Trainyard failed to start", err);
          vertx.close();
          System.exit(1);
        });
  }

  /** Vert.x with metrics; clustered (joined, or the process ends saying why) when the cluster is on. */
  private static Vertx vertx(PrometheusMeterRegistry registry, ClusterSettings cluster, Membership membership) {
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true));
    var builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    if (!(membership instanceof HazelcastCluster hazelcast)) {
      return builder.build();
    }
    options.setEventBusOptions(HazelcastCluster.eventBus(cluster));
    try {
      return builder.withClusterManager(hazelcast.manager()).buildClustered().await();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Trainyard could not join the cluster of " + cluster.members(), e);
      System.exit(1);
      return null;
    }
  }
}
