package io.trainyard.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.cli.TrainyardCli;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

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
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    String configPath = System.getenv().getOrDefault("TRAINYARD_CONFIG", "conf/application.yaml");
    AppConfig.load(vertx, configPath, System.getenv())
        .compose(conf -> Trainyard.start(vertx, conf, registry).map(app -> {
          String host = AppConfig.section(conf, "http").getString("host", "127.0.0.1");
          String shown = host.equals("0.0.0.0") ? "localhost" : host;
          System.out.println("Trainyard node " + app.nodeId() + " is up: open http://" + shown + ":" + app.port() + "/");
          System.out.println("Sign in as 'admin' with TRAINYARD_ADMIN_PASSWORD (or the generated password printed on first start).");
          Runtime.getRuntime().addShutdownHook(new Thread(() -> app.stop().await()));
          return app;
        }))
        .onFailure(err -> {
          LOG.log(Level.SEVERE, "Trainyard failed to start", err);
          vertx.close();
          System.exit(1);
        });
  }
}
