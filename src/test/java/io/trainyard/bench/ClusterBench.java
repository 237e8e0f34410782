package io.trainyard.bench;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestCluster;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Trivial-job throughput of a cluster of 1, 2 and 3 nodes (JVMs of their own on this machine, one
 * PostgreSQL): {@code /bin/true} jobs of 12 parallel users, submitted in batches spread over every
 * node, from the first submission until the last job has succeeded. The 1-node figure, measured in
 * the same run, is the baseline of the others. Usage: {@code ClusterBench [jobs per run, 1200]}.
 */
public final class ClusterBench {
  private static final int USERS = 12;

  private ClusterBench() {
  }

  public static void main(String[] args) throws Exception {
    BenchSupport.quietLogs();
    BenchSupport.watchdog("ClusterBench", 1800);
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1200;
    String before = BenchSupport.loadavg();
    double[] rate = new double[4];
    for (int n = 1; n <= 3; n++) {
      rate[n] = run(n, jobs);
    }
    System.out.println();
    System.out.println("Cluster throughput, " + BenchSupport.machine() + "; load average " + before + " at the start, "
        + BenchSupport.loadavg() + " at the end");
    System.out.printf(Locale.ROOT, "%-8s %-14s %-12s %s%n", "nodes", "slots", "jobs/s", "vs 1 node (baseline, same run)");
    for (int n = 1; n <= 3; n++) {
      System.out.printf(Locale.ROOT, "%-8d %-14s %-12.1f %.2f%n", n, (8 * n) + " (8 a node)", rate[n], rate[n] / rate[1]);
    }
    System.exit(0);
  }

  /** One cluster of {@code n} nodes: answers its jobs/s. */
  private static double run(int n, int jobs) throws Exception {
    Path dir = Files.createTempDirectory("trainyard-cluster-bench");
    BenchSupport.progress("starting " + n + " node(s)");
    try (TestCluster cluster = TestCluster.start(n, dir, """
        auth: {pbkdf2_iterations: 1000}
        scheduler: {tick_ms: 500}
        jobs:
          types:
            train: {command: ["/bin/true"]}
        """)) {
      Api admin = new Api(cluster.node(0).baseUrl()).login("admin", TestServer.ADMIN_PASSWORD);
      List<Api> users = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        String name = "bench" + u;
        admin.post("/api/users", new JsonObject().put("username", name).put("password", name + "-pass-1")
            .put("schedule_mode", "parallel")).expect(200);
        users.add(new Api(cluster.node(u % n).baseUrl()).login(name, name + "-pass-1"));
      }
      int each = jobs / USERS;
      JsonObject entry = new JsonObject().put("job_type", "train").put("dataset_id", "demo").put("gene_size", 64)
          .put("output_dim", 4).put("epochs", 1);
      BenchSupport.progress(n + " node(s): submitting " + each * USERS + " jobs");
      long t0 = System.nanoTime();
      List<CompletableFuture<Void>> sent = users.stream().map(u -> CompletableFuture.runAsync(() -> {
        JsonArray batch = new JsonArray();
        for (int k = 0; k < each; k++) {
          batch.add(entry.copy());
        }
        u.post("/api/jobs/batch", new JsonObject().put("jobs", batch)).expect(200);
      })).toList();
      CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).join();
      Await.until("every job to succeed", Duration.ofMinutes(10),
          () -> admin.get("/api/jobs/counts").expect(200).json().getInteger("success"), done -> done == each * USERS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      BenchSupport.progress(String.format(Locale.ROOT, "%d node(s): %d jobs in %.1f s", n, each * USERS, seconds));
      return each * USERS / seconds;
    }
  }
}
