package io.trainyard.jobs;

import io.trainyard.testing.Api;
import io.trainyard.testing.BridgeClient;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job center's API: search, sorting, several statuses, state history, metrics, bulk cancel/rerun, log download. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobCenterApiTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("job_id")).toList();
  }

  private static JsonArray array(Object... values) {
    return new JsonArray(List.of(values));
  }

  private String finished(Api u, JsonObject overrides, String status) {
    return u.awaitStatus(u.train(overrides).getString("job_id"), status).getString("job_id");
  }

  @Test
  void searchFindsJobsByIdPrefixParameterValueAndErrorTextButNeverAnotherUsersJobs() {
    Api u = server.user("searcher", "parallel");
    String small = finished(u, new JsonObject().put("lr", 0.001), "success");
    String large = finished(u, new JsonObject().put("lr", 0.01), "success");
    String broken = finished(u, new JsonObject().put("gene_size", 9), "failed");
    server.user("other-searcher", "serial").train(new JsonObject().put("lr", 0.001));

    assertEquals(List.of(small), ids(u.get("/api/jobs?q=lr=0.001").expect(200).json()));
    assertEquals(List.of(small), ids(u.get("/api/jobs?q=lr%3D1e-3").expect(200).json()), "numbers match by value");
    assertEquals(List.of(large), ids(u.get("/api/jobs?q=" + large.substring(0, large.length() - 3)).json()));
    String error = u.job(broken).getString("error");
    String word = error.split("\\s+")[0].toUpperCase();
    assertEquals(List.of(broken), ids(u.get("/api/jobs?q=" + word).json()), "error text, any case: " + error);
    JsonObject both = u.get("/api/jobs?q=dataset_id=demo%20lr=0.01").json();
    assertEquals(List.of(large), ids(both), "every term must match");
    assertEquals(1, both.getLong("total"));
    assertFalse(both.getBoolean("total_capped"));
    assertEquals(List.of(), ids(u.get("/api/jobs?q=100%25").json()), "LIKE wildcards are plain characters");
    JsonObject demo = u.get("/api/jobs?q=demo").json();
    assertEquals(3, demo.getLong("total"));

    assertEquals("q", u.get("/api/jobs?q=" + "x".repeat(201)).problem(400).getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void theListSortsByEachKeyInBothOrdersAndTakesSeveralStatuses() {
    Api u = server.user("sorter", "serial");
    String low = finished(u, new JsonObject().put("priority", 1), "success");
    String high = finished(u, new JsonObject().put("priority", 5), "success");
    String failed = finished(u, new JsonObject().put("gene_size", 9).put("priority", 3), "failed");
    String queued = u.awaitStatus(u.train(new JsonObject().put("epochs", 400)).getString("job_id"), "running")
        .getString("job_id");
    String waiting = u.train(new JsonObject().put("priority", 9)).getString("job_id"); // behind the running one (serial)

    assertEquals(List.of(waiting, high, failed, low, queued),
        ids(u.get("/api/jobs?sort=priority").expect(200).json()), "priority, highest first");
    assertEquals(List.of(queued, low, failed, high, waiting), ids(u.get("/api/jobs?sort=priority&order=asc").json()));
    assertEquals(List.of(failed, high, low), ids(u.get("/api/jobs?status=success,failed&sort=finished_at").json()),
        "latest finished first");
    assertEquals(List.of(low, high, failed), ids(u.get("/api/jobs?status=success&status=failed&sort=finished_at&order=asc").json()));
    List<String> byStatus = ids(u.get("/api/jobs?sort=status&order=asc").json());
    assertEquals(List.of(waiting, queued), byStatus.subList(0, 2), "lifecycle order: queued, running, then finished");
    assertEquals(failed, byStatus.get(4));
    List<String> started = ids(u.get("/api/jobs?sort=started_at").json());
    assertEquals(List.of(queued, failed, high, low, waiting), started, "not started yet comes last when descending");
    assertEquals(List.of(low, high, failed, queued, waiting), ids(u.get("/api/jobs?order=asc").json()), "oldest first");
    assertEquals(null, u.get("/api/jobs?sort=status&limit=1").json().getString("next_cursor"), "other orders page by offset");

    JsonObject bad = u.get("/api/jobs?sort=color&order=up&status=done").problem(400);
    Set<String> fields = bad.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).collect(Collectors.toSet());
    assertEquals(Set.of("sort", "order", "status"), fields);
    String cursor = u.get("/api/jobs?limit=1").json().getString("next_cursor");
    assertEquals("cursor", u.get("/api/jobs?sort=priority&cursor=" + cursor).problem(400)
        .getJsonArray("errors").getJsonObject(0).getString("field"));
    u.post("/api/jobs/" + queued + "/cancel", null).expect(200);
  }

  @Test
  void theHistoryRecordsEveryTransitionWithWhenWhyAndByWhom() {
    Api u = server.user("historian", "serial");
    String ok = finished(u, new JsonObject(), "success");
    JsonArray items = u.get("/api/jobs/" + ok + "/events").expect(200).json().getJsonArray("items");
    assertEquals(3, items.size(), items.encodePrettily());
    JsonObject submitted = items.getJsonObject(0);
    assertEquals(null, submitted.getString("from"));
    assertEquals("queued", submitted.getString("to"));
    assertEquals("user:" + u.userId(), submitted.getString("by"));
    assertEquals("queued", items.getJsonObject(1).getString("from"));
    assertEquals("running", items.getJsonObject(1).getString("to"));
    assertEquals("scheduler", items.getJsonObject(1).getString("by"));
    assertTrue(items.getJsonObject(1).getString("reason").contains(server.nodeId()));
    assertEquals("success", items.getJsonObject(2).getString("to"));
    assertEquals("supervisor", items.getJsonObject(2).getString("by"));
    assertEquals("exited with code 0", items.getJsonObject(2).getString("reason"));
    JsonObject job = u.job(ok);
    assertEquals(job.getString("finished_at"), items.getJsonObject(2).getString("at"));

    String slow = u.awaitStatus(u.train(new JsonObject().put("epochs", 400)).getString("job_id"), "running").getString("job_id");
    String behind = u.train(new JsonObject()).getString("job_id");
    u.post("/api/jobs/" + slow + "/cancel", null).expect(200);
    u.awaitStatus(slow, "canceled");
    List<String> moves = u.get("/api/jobs/" + slow + "/events").json().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("from") + ">" + ((JsonObject) o).getString("to") + " " + ((JsonObject) o).getString("reason"))
        .toList();
    assertEquals(List.of("null>queued submitted", "queued>running started on node " + server.nodeId(),
        "running>running cancel requested"), moves.subList(0, 3));
    assertTrue(moves.get(3).startsWith("running>canceled"), moves.toString());
    u.awaitStatus(behind, "success");

    String again = u.post("/api/jobs/" + ok + "/rerun", null).expect(200).json().getJsonObject("job").getString("job_id");
    JsonObject lineage = u.get("/api/jobs/" + again + "/events").json();
    assertEquals(ok, lineage.getString("rerun_of"));
    assertEquals(array(again), u.get("/api/jobs/" + ok + "/events").json().getJsonArray("reruns"));
    JsonObject bulk = u.post("/api/jobs/bulk-rerun", new JsonObject().put("job_ids", array(ok))).expect(200).json();
    assertEquals(array(again, bulk.getJsonArray("jobs").getString(0)), u.get("/api/jobs/" + ok + "/events").json().getJsonArray("reruns"));
    u.awaitStatus(again, "success");
    u.awaitStatus(bulk.getJsonArray("jobs").getString(0), "success");

    server.user("snoop", "serial").get("/api/jobs/" + ok + "/events").problem(404);
  }

  @Test
  void metricsComeFromTheLogAndArePushedLiveOnTheJobsChannel() throws Exception {
    Api u = server.user("plotter", "serial");
    String done = finished(u, new JsonObject().put("epochs", 3), "success");
    JsonObject series = u.get("/api/jobs/" + done + "/metrics").expect(200).json().getJsonObject("series");
    JsonArray loss = series.getJsonArray("loss");
    assertNotNull(loss, series.encode());
    assertTrue(loss.size() > 3);
    long previous = -1;
    for (Object p : loss) {
      long step = ((JsonArray) p).getLong(0);
      assertTrue(step > previous, "steps run on across epochs: " + loss);
      previous = step;
    }
    assertEquals(3, series.getJsonArray("val_loss").size(), "one validation point per epoch");
    assertEquals(previous, series.getJsonArray("val_loss").getJsonArray(2).getLong(0), "at the end of the last epoch");
    assertFalse(series.containsKey("epoch"));

    try (BridgeClient ws = BridgeClient.connect(server.baseUrl(), u.token(), server.baseUrl())) {
      String id = u.train(new JsonObject().put("epochs", 400)).getString("job_id");
      ws.register("jobs.log." + id);
      JsonObject event = ws.await(f -> f.getJsonObject("body") != null
          && "job_metrics".equals(f.getJsonObject("body").getString("type")), WAIT);
      assertNotNull(event, "a job_metrics event while the job runs");
      assertEquals(id, event.getJsonObject("body").getString("job_id"));
      assertFalse(event.getJsonObject("body").getJsonObject("series").getJsonArray("loss").isEmpty());
      u.post("/api/jobs/" + id + "/cancel", null).expect(200);
      u.awaitStatus(id, "canceled");
    }
    server.user("metrics-snoop", "serial").get("/api/jobs/" + done + "/metrics").problem(404);
  }

  @Test
  void bulkCancelAndRerunTakeIdsOrAFilterAndNeverTouchAnotherUsersJobs() {
    Api u = server.user("bulker", "serial");
    Api other = server.user("bystander", "serial");
    String done = finished(u, new JsonObject(), "success");
    String running = u.awaitStatus(u.train(new JsonObject().put("epochs", 400)).getString("job_id"), "running").getString("job_id");
    String queued = u.train(new JsonObject().put("lr", 0.002)).getString("job_id");
    String foreign = other.train(new JsonObject().put("epochs", 400)).getString("job_id");

    JsonObject canceled = u.post("/api/jobs/bulk-cancel", new JsonObject().put("job_ids", array(running, queued, foreign, done)))
        .expect(200).json();
    assertEquals(array(running, queued), canceled.getJsonArray("canceled"));
    assertEquals(array(foreign), canceled.getJsonArray("missing"));
    assertEquals(array(done), canceled.getJsonArray("skipped_finished"));
    assertEquals(2, canceled.getInteger("count"));
    u.awaitStatus(running, "canceled");
    assertEquals("canceled", u.job(queued).getString("status"));

    JsonObject rerun = u.post("/api/jobs/bulk-rerun", new JsonObject().put("filter", new JsonObject().put("status", "canceled")
        .put("q", "lr=0.002"))).expect(200).json();
    assertEquals(array(queued), rerun.getJsonArray("rerun"));
    String fresh = rerun.getJsonArray("jobs").getString(0);
    assertEquals(u.userId(), u.job(fresh).getLong("owner_user_id"));
    assertEquals(0.002, u.job(fresh).getJsonObject("params").getDouble("lr"));

    // A filter reaches only the caller's jobs, however broad it is.
    JsonObject all = u.post("/api/jobs/bulk-cancel", new JsonObject().put("filter", new JsonObject()
        .put("status", array("queued", "running")))).expect(200).json();
    assertEquals(array(fresh), all.getJsonArray("canceled"));
    u.awaitStatus(fresh, "canceled");
    assertEquals("running", other.awaitStatus(foreign, "running").getString("status"));

    JsonObject archived = u.post("/api/jobs/bulk-archive", new JsonObject().put("filter", new JsonObject()
        .put("status", "canceled").put("job_type", "train"))).expect(200).json();
    assertEquals(3, archived.getInteger("count"));
    JsonObject deleted = u.post("/api/jobs/bulk-delete", new JsonObject().put("filter", new JsonObject().put("q", done)))
        .expect(200).json();
    assertEquals(array(done), deleted.getJsonArray("deleted"));

    JsonObject bad = u.post("/api/jobs/bulk-rerun", new JsonObject().put("job_ids", array(done))
        .put("filter", new JsonObject().put("status", "nope").put("color", "red"))).problem(400);
    Set<String> fields = bad.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).collect(Collectors.toSet());
    assertEquals(Set.of("job_ids", "filter.status", "filter.color"), fields);
    assertEquals("filter", u.post("/api/jobs/bulk-cancel", new JsonObject().put("filter", "running")).problem(400)
        .getJsonArray("errors").getJsonObject(0).getString("field"));
    other.post("/api/jobs/" + foreign + "/cancel", null).expect(200);
  }

  @Test
  void theLogDownloadStreamsTheWholeFileNotJustTheTail() throws Exception {
    Api u = server.user("downloader", "serial");
    String id = finished(u, new JsonObject().put("epochs", 80), "success");
    Path file = Path.of(u.job(id).getString("artifacts_dir"), "output.log");
    String whole = Files.readString(file);
    assertTrue(whole.length() > 20_000, "a log longer than the tail: " + whole.length());
    Api.Res res = u.get("/api/jobs/" + id + "/log/download").expect(200);
    assertEquals(whole, res.body());
    assertTrue(res.header("Content-Disposition").contains(id + ".log"));
    assertTrue(u.log(id).length() < whole.length());
    server.user("download-snoop", "serial").get("/api/jobs/" + id + "/log/download").problem(404);
  }

  @Test
  void throughputCountsTheCallersJobsPerMinuteOfTheLastHour() {
    Api u = server.user("counter-of-minutes", "parallel");
    finished(u, new JsonObject(), "success");
    finished(u, new JsonObject().put("gene_size", 9), "failed");
    server.user("busy-neighbour", "serial").train(new JsonObject());
    JsonArray items = u.get("/api/analytics/throughput").expect(200).json().getJsonArray("items");
    long submitted = 0;
    long success = 0;
    long failed = 0;
    for (Object o : items) {
      submitted += ((JsonObject) o).getLong("submitted");
      success += ((JsonObject) o).getLong("success");
      failed += ((JsonObject) o).getLong("failed");
    }
    assertEquals(List.of(2L, 1L, 1L), List.of(submitted, success, failed), items.encode());
    assertEquals("minutes", u.get("/api/analytics/throughput?minutes=0").problem(400)
        .getJsonArray("errors").getJsonObject(0).getString("field"));
    u.get("/api/analytics/throughput?minutes=abc").problem(400);
  }
}
