package io.trainyard.metrics;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jobs' Prometheus meters on a real node: ends, run and wait histograms, the per-status gauge. */
class JobMetricsTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(c -> AppConfig.put(c, "metrics.refresh_ms", 100));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void endsRunAndWaitTimesAndCountsPerStatusAreExposedWithBoundedLabels() {
    // Other tests of this class end jobs of their own: compare with the counts before this one's.
    String before = scrape();
    String success = "trainyard_jobs{job_type=\"train\",status=\"success\"}";
    String failed = "trainyard_jobs{job_type=\"train\",status=\"failed\"}";
    Api u = server.user("metered", "parallel");
    String ok = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String bad = u.awaitStatus(u.train(new JsonObject().put("gene_size", 3)).getString("job_id"), "failed").getString("job_id");

    String scrape = Await.until("the gauge shows both ends", Duration.ofSeconds(10), this::scrape,
        s -> value(s, success) == value(before, success) + 1 && value(s, failed) == value(before, failed) + 1);
    for (String sample : new String[] {"trainyard_job_exits_total{job_type=\"train\",status=\"success\"}",
        "trainyard_job_exits_total{job_type=\"train\",status=\"failed\"}"}) {
      assertEquals(value(before, sample) + 1, value(scrape, sample), sample);
    }
    assertEquals(value(before, "trainyard_run_seconds_count{job_type=\"train\"}") + 2,
        value(scrape, "trainyard_run_seconds_count{job_type=\"train\"}"), "both ran");
    assertEquals(value(before, "trainyard_queue_wait_seconds_count{job_type=\"train\"}") + 2,
        value(scrape, "trainyard_queue_wait_seconds_count{job_type=\"train\"}"), "both started");
    assertTrue(value(scrape, "trainyard_run_seconds_sum{job_type=\"train\"}") > value(before, "trainyard_run_seconds_sum{job_type=\"train\"}"));
    assertTrue(scrape.contains("trainyard_run_seconds_bucket{job_type=\"train\",le="), "a histogram, for quantiles over nodes");
    assertTrue(value(scrape, "trainyard_scheduler_pass_seconds_count") >= 2, "passes are timed");
    assertFalse(scrape.contains(ok) || scrape.contains(bad) || scrape.contains("metered"), "no job or user in any label");
  }

  @Test
  void aQueueWaitIsRecordedOnceWhenTheJobStartsNotAgainWhenItIsCanceled() {
    Api u = server.user("waiter", "parallel");
    String waits = "trainyard_queue_wait_seconds_count{job_type=\"train\"}";
    String canceled = "trainyard_job_exits_total{job_type=\"train\",status=\"canceled\"}";
    double before = value(scrape(), waits);
    double canceledBefore = value(scrape(), canceled);
    String slow = u.awaitStatus(u.train(new JsonObject().put("epochs", 400)).getString("job_id"), "running").getString("job_id");
    assertEquals(before + 1, value(scrape(), waits), "recorded at the start");
    u.post("/api/jobs/" + slow + "/cancel", null).expect(200);
    u.awaitStatus(slow, "canceled");
    String after = scrape();
    assertEquals(before + 1, value(after, waits), "the cancel request and the end add no second wait");
    assertEquals(canceledBefore + 1, value(after, canceled));
  }

  @Test
  void openPushSessionsAreCountedPerTransport() throws Exception {
    Api u = server.user("listener", "serial");
    String sockjs = "trainyard_push_sessions{transport=\"sockjs\"}";
    String sse = "trainyard_push_sessions{transport=\"sse\"}";
    double bridges = value(scrape(), sockjs);
    double streams = value(scrape(), sse);
    io.trainyard.testing.BridgeClient bridge = io.trainyard.testing.BridgeClient.connect(server.baseUrl(), u.token(), null);
    var stream = java.net.http.HttpClient.newHttpClient().sendAsync(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(server.baseUrl() + "/api/events")).header("Authorization", "Bearer " + u.token()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream()).get(10, java.util.concurrent.TimeUnit.SECONDS);
    Await.until("both sessions counted", Duration.ofSeconds(10), this::scrape,
        s -> value(s, sockjs) == bridges + 1 && value(s, sse) == streams + 1);
    bridge.close();
    stream.body().close();
    Await.until("both sessions gone", Duration.ofSeconds(10), this::scrape,
        s -> value(s, sockjs) == bridges && value(s, sse) == streams);
  }

  @Test
  void theGrafanaDashboardQueriesOnlyMetricsTheServerExposes() throws Exception {
    JsonObject dashboard = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/grafana/trainyard.json")));
    java.util.Set<String> used = new java.util.TreeSet<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets")) {
        Matcher m = Pattern.compile("trainyard_[a-z_]+").matcher(((JsonObject) t).getString("expr"));
        while (m.find()) {
          used.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
      }
    }
    assertTrue(used.size() >= 8, used.toString());
    String help = scrape();
    for (String metric : used) {
      assertTrue(help.contains("# TYPE " + metric + " ") || help.contains("# TYPE " + metric.replaceAll("_total$", "") + " "),
          "the dashboard asks for " + metric + ", which /metrics must describe");
    }
  }

  @Test
  void withATokenConfiguredMetricsAskForIt() throws Exception {
    try (TestServer guarded = TestServer.start(c -> AppConfig.put(c, "metrics.token", "s3cret-scrape"))) {
      io.trainyard.testing.Api anyone = guarded.api();
      assertEquals("Metrics need the configured bearer token", anyone.get("/metrics").problem(401).getString("detail"));
      var wrong = anyone.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(guarded.baseUrl() + "/metrics"))
          .header("Authorization", "Bearer s3cret-scrapf"));
      assertEquals(401, wrong.status());
      var right = Await.until("an authorized scrape with the scheduler's first pass", Duration.ofSeconds(10),
          () -> anyone.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(guarded.baseUrl() + "/metrics"))
              .header("Authorization", "Bearer s3cret-scrape")),
          r -> r.status() == 200 && r.body().contains("trainyard_scheduler_pass_seconds_count"));
      assertEquals(200, right.status());
    }
  }

  private String scrape() {
    return server.api().get("/metrics").expect(200).body();
  }

  /** The sample's value, or NaN when the line is absent. */
  private static double value(String scrape, String sample) {
    Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
