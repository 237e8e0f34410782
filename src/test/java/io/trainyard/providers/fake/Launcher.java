package io.trainyard.providers.fake;

import io.vertx.core.Vertx;

/**
 * The fake as a process of its own ({@link FakeReplicate#main}), for {@code scripts/cloud-demo}: parses
 * {@code [port] [--manual] [--step-ms N] [--steps N] [--webhook-secret whsec_...]}, starts it with the
 * autopilot on unless {@code --manual}, and prints one line when it is up. It then runs until killed.
 */
final class Launcher {
  private Launcher() {
  }

  record Options(int port, boolean autopilot, long stepMs, int steps, String webhookSecret) {
    static Options parse(String[] args) {
      int port = 0;
      boolean manual = false;
      long stepMs = 1000;
      int steps = 10;
      String secret = null;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--manual" -> manual = true;
          case "--step-ms" -> stepMs = Long.parseLong(args[++i]);
          case "--steps" -> steps = Integer.parseInt(args[++i]);
          case "--webhook-secret" -> secret = args[++i];
          default -> port = Integer.parseInt(args[i]);
        }
      }
      return new Options(port, !manual, stepMs, steps, secret);
    }
  }

  static void run(String[] args) {
    Options o = Options.parse(args);
    String token = System.getenv().getOrDefault("FAKE_REPLICATE_TOKEN", FakeReplicate.DEFAULT_TOKEN);
    Vertx vertx = Vertx.vertx();
    FakeReplicate.start(vertx, o.port(), token).onSuccess(fake -> {
      fake.autopilot(o.autopilot(), o.stepMs(), o.steps());
      if (o.webhookSecret() != null) {
        fake.webhooks(o.webhookSecret(), null, true);
      }
      System.out.println("Fake Replicate is up: " + fake.url() + " (token " + token + ", autopilot "
          + (o.autopilot() ? "on: " + o.steps() + " steps of " + o.stepMs() + " ms" : "off")
          + (o.webhookSecret() != null ? ", signed webhooks on" : "") + ")");
    }).onFailure(err -> {
      System.err.println("Fake Replicate failed to start: " + err.getMessage());
      vertx.close();
      System.exit(1);
    });
  }
}
