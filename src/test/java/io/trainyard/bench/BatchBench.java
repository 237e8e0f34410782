package io.trainyard.bench;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Batch submission throughput: a real node (node capacity 0, so nothing starts and the queue only
 * grows) takes B batches of 1,000 jobs (default 50) over HTTP from 1 and then 2 concurrent clients,
 * half of each batch depending on an existing job, and prints jobs/s and per-batch latency as the
 * caller's queue grows. A benchmark, not a test: it prints figures and asserts nothing.
 */
public final class BatchBench {
  private static final int SIZE = 1000;

  private BatchBench() {
  }

  public static void main(String[] args) throws Exception {
    int status = 0;
    try {
      run(args.length > 0 ? Integer.parseInt(args[0]) : 50);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status); // also after a failure: the server's threads must not keep the JVM alive
  }

  private static void run(int batches) throws Exception {
    try (TestServer server = TestServer.start(c -> {
      c.getJsonObject("scheduler").put("node_capacity", 0).put("tick_ms", 60_000);
      c.put("limits", new JsonObject().put("max_queued_per_user", Long.MAX_VALUE)); // batches pile up in one queue
    })) {
      Api user = server.user("bench", "parallel");
      String dep = user.train(new JsonObject()).getString("job_id");
      JsonObject body = body(dep);
      for (int i = 0; i < 5; i++) { // warm-up: JIT, prepared statements, pool connections
        user.post("/api/jobs/batch", body).expect(200);
      }
      run("1 client ", user, body, batches, 1);
      run("2 clients", user, body, batches, 2);
      System.out.printf(Locale.ROOT, "queued jobs of the caller at the end: %,d%n",
          user.get("/api/jobs?status=queued&limit=1").json().getLong("total"));
    }
  }

  private static JsonObject body(String dep) {
    JsonArray jobs = new JsonArray();
    for (int i = 0; i < SIZE; i++) {
      boolean predict = i % 4 == 3;
      JsonObject e = new JsonObject().put("job_type", predict ? "predict" : "train").put("dataset_id", "demo")
          .put("gene_size", 64).put("output_dim", 4);
      if (i % 2 == 1) {
        e.put("depends_on", dep); // every predict entry is among these: it takes its train dependency's model
      }
      if (!predict) {
        e.put("epochs", 1 + i % 10).put("lr", 1e-3);
      }
      jobs.add(e);
    }
    return new JsonObject().put("jobs", jobs);
  }

  private static void run(String label, Api user, JsonObject body, int batches, int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    double[] millis = new double[batches];
    long t0 = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < batches; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          long s = System.nanoTime();
          user.post("/api/jobs/batch", body).expect(200);
          millis[n] = (System.nanoTime() - s) / 1e6;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%s  %,8.0f jobs/s   batch of %d: p50 %6.1f ms  p99 %6.1f ms  first %6.1f ms  last %6.1f ms%n",
        label, batches * (double) SIZE / seconds, SIZE, sorted[batches / 2], sorted[Math.min(batches - 1, batches * 99 / 100)],
        millis[0], millis[batches - 1]);
  }
}
