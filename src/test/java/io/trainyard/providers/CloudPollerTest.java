package io.trainyard.providers;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.trainyard.providers.CloudFixture.awaitStatus;
import static io.trainyard.providers.CloudFixture.eventually;
import static io.trainyard.providers.CloudFixture.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poller, forced on beside webhooks: it reaches every active job however many there are, rides
 * out rate limits and outages without failing jobs, never undoes a terminal status, and costs one
 * provider request per active job and cycle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloudPollerTest {
  private static final Logger POLLER_LOG = Logger.getLogger(CloudPoller.class.getName());
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.INFO.intValue()) {
        synchronized (warnings) {
          warnings.add(r);
        }
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private CloudFixture fx;
  private Api alice;
  private final List<JsonObject> active = new ArrayList<>();

  @BeforeAll
  void start() {
    POLLER_LOG.addHandler(capture);
    fx = CloudFixture.start(conf -> {
      CloudFixture.webhooks(conf);
      AppConfig.put(conf, "background.job_status_polling.enabled", true);
    });
    alice = fx.server.user("alice", "serial");
  }

  @AfterAll
  void stop() {
    POLLER_LOG.removeHandler(capture);
    fx.close();
  }

  private List<String> logLines() {
    synchronized (warnings) {
      return warnings.stream().map(LogRecord::getMessage).toList();
    }
  }

  /** Submits trainings until {@code n} of alice's jobs are active at the provider. */
  private void activeJobs(int n) throws Exception {
    int from = active.size();
    if (n <= from) {
      return;
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<JsonObject>> made = new ArrayList<>();
      for (int i = from; i < n; i++) {
        String note = "bulk-" + i;
        made.add(pool.submit(() -> submit(alice, CloudFixture.training(note))));
      }
      for (java.util.concurrent.Future<JsonObject> f : made) {
        active.add(f.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  private long runningTotal() {
    return alice.get("/api/cloud/jobs?status=running&limit=1").expect(200).json().getLong("total");
  }

  @Test
  @Order(1)
  void theStartLineSaysThePollerIsForcedOnAndHowOften() {
    assertTrue(logLines().stream().anyMatch(l -> l.contains("poller is on") && l.contains("every 200 ms")
        && l.contains("forced on beside webhooks")), logLines().toString());
    JsonObject poller = fx.poller();
    assertTrue(poller.getBoolean("enabled"));
    assertEquals("true", poller.getString("mode"));
  }

  @Test
  @Order(2)
  void oneCycleCostsOneProviderRequestPerActiveJob() throws Exception {
    StringBuilder table = new StringBuilder("active_jobs requests_per_cycle get_requests_per_cycle list_requests cycle_ms\n");
    for (int n : new int[] {0, 1, 10, 100, 150, 300}) {
      activeJobs(n);
      fx.awaitCycles(2); // every job has been seen once
      long[] m = measure();
      JsonObject last = fx.poller().getJsonObject("last_cycle");
      JsonObject replicate = last.getJsonObject("providers").getJsonObject("replicate");
      table.append(String.format("%d %.1f %.1f %d %d%n", n, m[0] / (double) m[2], m[1] / (double) m[2], m[3],
          last.getLong("duration_ms")));
      assertEquals(n, replicate.getInteger("jobs_checked"), replicate.encode());
      assertEquals(n, replicate.getInteger("requests"));
      assertEquals(n * m[2], m[0], "exactly one GET per active job and cycle, nothing else");
    }
    System.out.println("POLL-CYCLE-COST\n" + table);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/bench-cloud.txt"), table.toString());
  }

  /** Whole cycles that {@link #measure} spans at least: enough that "n per cycle" is not "0 = 0". */
  private static final int MEASURED_CYCLES = 3;

  /** {total requests, GET-by-id requests, cycles, list requests} over whole cycles only. */
  private long[] measure() {
    long[] a = snapshot();
    fx.awaitCycles(MEASURED_CYCLES);
    long[] b = snapshot();
    assertTrue(b[0] - a[0] >= MEASURED_CYCLES, "measured over " + (b[0] - a[0]) + " cycles");
    return new long[] {b[1] - a[1], b[2] - a[2], b[0] - a[0], b[3] - a[3]};
  }

  /**
   * {cycles, fake total, fake GET-by-id, fake list} read while the poller sits between two cycles (idle
   * before and after with the same cycle count), so no cycle is counted in part.
   */
  private long[] snapshot() {
    return Await.untilPresent("the fake's request counts read between two poll cycles", Duration.ofSeconds(30), () -> {
      JsonObject before = fx.poller();
      long total = fx.fake.requestCount();
      long gets = fx.fake.requestCount("GET /v1/trainings/{id}");
      long lists = fx.fake.requestCount("GET /v1/trainings") + fx.fake.requestCount("GET /v1/predictions");
      JsonObject after = fx.poller();
      boolean between = "idle".equals(before.getString("state")) && "idle".equals(after.getString("state"))
          && before.getLong("cycles").equals(after.getLong("cycles"));
      return between ? new long[] {after.getLong("cycles"), total, gets, lists} : null;
    });
  }

  /** trainyard_provider_backoff{provider="replicate"} from /metrics (-1 when absent). */
  private double backoffGauge() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^trainyard_provider_backoff\\{provider=\"replicate\"\\} (\\S+)$",
        java.util.regex.Pattern.MULTILINE).matcher(fx.server.api().get("/metrics").expect(200).body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private void awaitIdle() {
    eventually(() -> "idle".equals(fx.poller().getString("state")), Duration.ofSeconds(20), "poller idle");
  }

  @Test
  @Order(3)
  void everyActiveJobIsRefreshedNotOnlyTheNewestHundred() throws Exception {
    activeJobs(150);
    for (JsonObject job : active.subList(0, 150)) {
      fx.fake.update(job.getString("external_id"), "processing", "step 1/2\n", null, null, null, null);
    }
    eventually(() -> runningTotal() >= 150, Duration.ofSeconds(20), "150 running jobs");
    assertEquals(150, alice.get("/api/cloud/jobs?status=queued&limit=1").json().getLong("total"),
        "the other 150 of the 300 are still starting");
  }

  @Test
  @Order(4)
  void aBurstOf429sIsRiddenOutWithBackoffAndLoggedOnce() {
    // Start from few active jobs so the cycles are quick: finish all but 20.
    for (JsonObject job : active.subList(20, active.size())) {
      fx.fake.advance(job.getString("external_id"), "succeeded");
    }
    eventually(() -> alice.get("/api/cloud/jobs?status=queued,running&limit=1").json().getLong("total") == 20,
        Duration.ofSeconds(20), "20 active jobs left");
    awaitIdle();
    int logsBefore = logLines().size();
    long before = fx.fake.requestCount();
    fx.fake.injectFaults(429, 20, 0, "GET /v1/trainings/{id}");
    for (JsonObject job : active.subList(0, 20)) {
      fx.fake.advance(job.getString("external_id"), "succeeded");
    }
    eventually(() -> "backing_off".equals(fx.poller().getString("state")), Duration.ofSeconds(10), "backing off");
    JsonObject during = fx.poller().getJsonObject("providers").getJsonObject("replicate");
    assertTrue(during.getString("last_error").contains("rate limit"), during.encode());
    eventually(() -> backoffGauge() > 0, Duration.ofSeconds(5), "the backoff gauge shows the pause");
    eventually(() -> alice.get("/api/cloud/jobs?status=success&limit=1").json().getLong("total") >= active.size(),
        Duration.ofSeconds(30), "all jobs finished after the burst");
    long used = fx.fake.requestCount() - before;
    // Each throttled cycle stops starting requests at the first 429: at most 8 (the concurrency) per cycle.
    assertTrue(used <= 20 + 20 + 8, "requests during and after the burst: " + used);
    List<String> lines = logLines().subList(logsBefore, logLines().size());
    assertEquals(1, lines.stream().filter(l -> l.contains("paused")).count(), lines.toString());
    assertEquals(1, lines.stream().filter(l -> l.contains("answering again")).count(), lines.toString());
    assertTrue(alice.get("/api/cloud/jobs?status=failed&limit=1").json().getLong("total") == 0, "nothing failed");
  }

  @Test
  @Order(5)
  void anOutageOrAnUnreachableProviderNeverFailsAJob() {
    JsonObject job = submit(alice, CloudFixture.prediction(null));
    fx.fake.advance(job.getString("external_id"), "processing");
    awaitStatus(alice, job.getString("job_id"), "running");
    fx.fake.injectFaults(500, 2, 0, "GET /v1/predictions/{id}");
    eventually(() -> fx.poller().getJsonObject("providers").getJsonObject("replicate").getInteger("consecutive_failures") > 0,
        Duration.ofSeconds(10), "a failed cycle");
    fx.fake.advance(job.getString("external_id"), "succeeded");
    JsonObject done = awaitStatus(alice, job.getString("job_id"), "success");
    assertEquals("success", done.getString("status"));
  }

  @Test
  @Order(6)
  void aLatePollNeverUndoesWhatAWebhookFinished() {
    JsonObject job = submit(alice, CloudFixture.training("raced"));
    String ext = job.getString("external_id");
    fx.fake.advance(ext, "processing");
    awaitStatus(alice, job.getString("job_id"), "running");
    // The webhook says succeeded; the provider's GET still says processing (it lags, or the poll was in flight).
    fx.deliver(fx.providerObject(ext).put("status", "succeeded").put("metrics", new JsonObject().put("predict_time", 4.0)))
        .expect(200);
    awaitStatus(alice, job.getString("job_id"), "success");
    long gets = fx.fake.requestCount("GET /v1/trainings/{id}");
    fx.awaitCycles(3);
    JsonObject still = alice.job(job.getString("job_id"));
    assertEquals("success", still.getString("status"));
    assertEquals(0.0039, still.getDouble("cost_usd"), 1e-9);
    assertEquals(gets, fx.fake.requestCount("GET /v1/trainings/{id}"), "terminal jobs are not polled");
  }
}
