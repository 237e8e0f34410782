package io.trainyard.jobs;

import io.trainyard.testing.Api;
import io.trainyard.testing.Intervals;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counts, bulk actions, archive, rerun, sweeps, dependencies, templates, analytics and cursor paging. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementTest {
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static JsonArray ids(String... ids) {
    return new JsonArray(List.of((Object[]) ids));
  }

  private JsonObject running(Api u) {
    JsonObject slow = u.train(new JsonObject().put("epochs", 400));
    return u.awaitStatus(slow.getString("job_id"), "running");
  }

  @Test
  void countsAddUpLeaveOutArchivedJobsAndBulkActionsSkipActiveAndMissingIds() {
    Api u = server.user("counter", "parallel");
    String ok1 = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String ok2 = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String bad = u.awaitStatus(u.train(new JsonObject().put("gene_size", 9)).getString("job_id"), "failed").getString("job_id");
    String live = running(u).getString("job_id");
    String foreign = server.user("stranger", "serial").train(new JsonObject()).getString("job_id");

    JsonObject counts = u.get("/api/jobs/counts").expect(200).json();
    assertEquals(new JsonObject().put("pending", 0).put("queued", 0).put("running", 1).put("success", 2).put("failed", 1)
        .put("canceled", 0).put("total", 4), counts);

    JsonObject archived = u.post("/api/jobs/bulk-archive", new JsonObject().put("job_ids", ids(ok1, bad, live, foreign, "job_nope")))
        .expect(200).json();
    assertEquals(ids(ok1, bad), archived.getJsonArray("archived"));
    assertEquals(ids(foreign, "job_nope"), archived.getJsonArray("missing"), "another user's job counts as missing");
    assertEquals(ids(live), archived.getJsonArray("skipped_active"));
    assertEquals(2, archived.getInteger("count"));
    assertEquals(2, u.get("/api/jobs/counts").json().getLong("total"));
    JsonObject list = u.get("/api/jobs").json();
    assertEquals(2, list.getLong("total"));
    JsonObject archivedList = u.get("/api/jobs?archived=true").json();
    assertEquals(2, archivedList.getLong("total"));
    assertNotNull(archivedList.getJsonArray("items").getJsonObject(0).getString("archived_at"));

    JsonObject back = u.post("/api/jobs/" + bad + "/unarchive", null).expect(200).json().getJsonObject("job");
    assertNull(back.getString("archived_at"));
    assertEquals(1, u.get("/api/jobs/counts").json().getLong("failed"));

    JsonObject deleted = u.post("/api/jobs/bulk-delete", new JsonObject().put("job_ids", ids(ok2, live, "job_nope", foreign)))
        .expect(200).json();
    assertEquals(ids(ok2), deleted.getJsonArray("deleted"));
    assertEquals(ids("job_nope", foreign), deleted.getJsonArray("missing"));
    assertEquals(ids(live), deleted.getJsonArray("skipped_active"));
    assertEquals(1, deleted.getInteger("count"));
    u.get("/api/jobs/" + ok2).problem(404);
    assertEquals("running", u.job(live).getString("status"));

    assertEquals("job_ids", u.post("/api/jobs/bulk-delete", new JsonObject().put("job_ids", new JsonArray()))
        .problem(400).getJsonArray("errors").getJsonObject(0).getString("field"));
    u.post("/api/jobs/bulk-archive", new JsonObject().put("job_ids", new JsonArray().add(5))).problem(400);
    u.post("/api/jobs/" + live + "/cancel", null).expect(200);
    u.awaitStatus(live, "canceled");
  }

  @Test
  void archiveExpiredArchivesFinishedJobsAndListsTheActiveOnesItLeftAlone() {
    Api u = server.user("expirer", "parallel");
    String done = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String live = running(u).getString("job_id");
    JsonObject kept = u.post("/api/jobs/archive-expired", null).expect(200).json();
    assertEquals(0, kept.getInteger("count"), "nothing is 72 hours old");
    assertEquals(72.0, kept.getDouble("hours"));
    assertTrue(kept.getBoolean("terminal_only"));
    JsonObject r = u.post("/api/jobs/archive-expired?hours=0", null).expect(200).json();
    assertEquals(ids(done), r.getJsonArray("archived"));
    assertEquals(1, r.getInteger("count"));
    assertEquals(ids(live), r.getJsonArray("skipped_running"), "the expired job left alone because it is active is listed");
    assertNull(u.job(live).getString("archived_at"));
    assertNotNull(u.job(done).getString("archived_at"));
    JsonObject all = u.post("/api/jobs/archive-expired?hours=0&terminal_only=false", null).expect(200).json();
    assertEquals(ids(live), all.getJsonArray("archived"), "without terminal_only an active job is archived too");
    assertEquals(0, all.getJsonArray("skipped_running").size());
    assertNotNull(u.job(live).getString("archived_at"));
    u.post("/api/jobs/archive-expired?hours=-1", null).problem(400);
    u.post("/api/jobs/archive-expired?hours=abc", null).problem(400);
    u.post("/api/jobs/" + live + "/cancel", null).expect(200);
    u.awaitStatus(live, "canceled");
  }

  @Test
  void rerunCopiesTypeParamsAndPriorityButNotTheDependency() {
    Api u = server.user("rerunner", "parallel");
    String first = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    JsonObject orig = u.awaitStatus(u.train(new JsonObject().put("priority", 7).put("lr", 0.002).put("depends_on", first))
        .getString("job_id"), "success");
    JsonObject again = u.post("/api/jobs/" + orig.getString("job_id") + "/rerun", null).expect(200).json().getJsonObject("job");
    assertNotEquals(orig.getString("job_id"), again.getString("job_id"));
    assertEquals(orig.getJsonObject("params"), again.getJsonObject("params"));
    assertEquals(7, again.getInteger("priority"));
    assertNull(again.getString("depends_on"));
    assertEquals("success", u.awaitStatus(again.getString("job_id"), "success").getString("status"));
    server.user("nosy", "serial").post("/api/jobs/" + orig.getString("job_id") + "/rerun", null).problem(404);
  }

  @Test
  void aSweepOfFourShardsRunsOneAtATimeForASerialUserAndItsParentSummarizes() {
    Api u = server.user("sweeper", "serial");
    JsonObject parent = u.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
            .put("output_dim", 4).put("epochs", 1)
            .put("sweep", new JsonObject().put("lr", new JsonArray().add(1e-3).add(1e-4)).put("batch_size", new JsonArray().add(32).add(64))))
        .expect(200).json().getJsonObject("job");
    assertEquals("sweep", parent.getString("job_type"));
    assertEquals("queued", parent.getString("status"));
    String pid = parent.getString("job_id");
    JsonObject shards = u.get("/api/jobs/" + pid + "/shards").expect(200).json();
    assertEquals(4, shards.getInteger("shard_count"));
    Set<String> combos = new HashSet<>();
    for (Object o : shards.getJsonArray("shards")) {
      JsonObject s = (JsonObject) o;
      assertEquals(pid, s.getString("parent_id"));
      assertEquals("train", s.getString("job_type"));
      combos.add(s.getJsonObject("params").getDouble("lr") + "/" + s.getJsonObject("params").getInteger("batch_size"));
    }
    assertEquals(Set.of("0.001/32", "0.001/64", "1.0E-4/32", "1.0E-4/64"), combos);
    JsonObject done = u.awaitStatus(pid, "success");
    assertEquals(100.0, done.getDouble("progress"));
    List<JsonObject> finished = new ArrayList<>();
    for (Object o : u.get("/api/jobs/" + pid + "/shards").json().getJsonArray("shards")) {
      finished.add((JsonObject) o);
      assertEquals("success", ((JsonObject) o).getString("status"));
    }
    assertEquals(1, Intervals.maxOverlap(finished), "a serial user's shards run one at a time");
    assertEquals(5, u.get("/api/jobs").json().getLong("total"), "parent and shards are all listed");
    assertEquals(0, u.get("/api/jobs/" + finished.get(0).getString("job_id") + "/shards").json().getInteger("shard_count"));

    JsonObject deleted = u.delete("/api/jobs/" + pid).expect(200).json();
    assertEquals(4, deleted.getInteger("removed_models"), "each shard's model goes with the sweep");
    assertEquals(0, u.get("/api/jobs").json().getLong("total"));
  }

  @Test
  void cancelingASweepCancelsItsShardsAndTooManyCombinationsIsA400() {
    Api u = server.user("sweepcancel", "serial");
    JsonObject parent = u.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
            .put("output_dim", 4).put("epochs", 300).put("sweep", new JsonObject().put("batch_size", new JsonArray().add(16).add(32).add(64))))
        .expect(200).json().getJsonObject("job");
    String pid = parent.getString("job_id");
    u.awaitStatus(pid, "running");
    u.post("/api/jobs/" + pid + "/cancel", null).expect(200);
    assertEquals("canceled", u.awaitStatus(pid, "canceled").getString("status"));
    for (Object o : u.get("/api/jobs/" + pid + "/shards").json().getJsonArray("shards")) {
      assertEquals("canceled", ((JsonObject) o).getString("status"));
    }
    JsonArray many = new JsonArray();
    for (int i = 1; i <= 20; i++) {
      many.add(i);
    }
    JsonObject p = u.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
        .put("sweep", new JsonObject().put("batch_size", many).put("epochs", many))).problem(400);
    assertTrue(p.getString("detail").contains("400 combinations"), p.encode());
    JsonObject bad = u.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
        .put("sweep", new JsonObject().put("dataset_id", new JsonArray().add("x")).put("lr", new JsonArray().add(-1)))).problem(400);
    assertTrue(bad.encode().contains("sweep.dataset_id") && bad.encode().contains("sweep.lr"), bad.encode());
  }

  @Test
  void aPredictDependingOnATrainJobWaitsThenUsesItsModel() {
    Api u = server.user("chainer", "parallel");
    JsonObject train = u.train(new JsonObject().put("epochs", 30));
    JsonObject predict = u.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
        .put("output_dim", 4).put("depends_on", train.getString("job_id"))).expect(200).json().getJsonObject("job");
    JsonObject waiting = u.job(predict.getString("job_id"));
    if ("queued".equals(waiting.getString("status"))) {
      assertTrue(waiting.getString("waiting_reason").startsWith("waiting for job " + train.getString("job_id")),
          waiting.getString("waiting_reason"));
    }
    JsonObject trained = u.awaitStatus(train.getString("job_id"), "success");
    JsonObject predicted = u.awaitStatus(predict.getString("job_id"), "success");
    assertEquals(trained.getString("model_id"), predicted.getJsonObject("params").getString("model_id"));
    assertTrue(java.time.Instant.parse(predicted.getString("started_at"))
        .isAfter(java.time.Instant.parse(trained.getString("finished_at")).minusMillis(1)));
    assertNotNull(predicted.getString("result_id"));
  }

  @Test
  void aDependentFailsWithTheReasonWhenItsDependencyFailsOrIsCanceled() {
    Api u = server.user("failchain", "parallel");
    JsonObject bad = u.train(new JsonObject().put("gene_size", 5));
    JsonObject after = u.train(new JsonObject().put("depends_on", bad.getString("job_id")));
    JsonObject afterAfter = u.train(new JsonObject().put("depends_on", after.getString("job_id")));
    JsonObject failed = u.awaitStatus(after.getString("job_id"), "failed");
    assertEquals("dependency " + bad.getString("job_id") + " ended failed", failed.getString("error"));
    assertNull(failed.getInteger("pid"), "it never ran");
    assertTrue(u.awaitStatus(afterAfter.getString("job_id"), "failed").getString("error").contains(after.getString("job_id")));

    JsonObject slow = u.train(new JsonObject().put("epochs", 400));
    JsonObject dep = u.train(new JsonObject().put("depends_on", slow.getString("job_id")));
    u.post("/api/jobs/" + slow.getString("job_id") + "/cancel", null).expect(200);
    assertEquals("dependency " + slow.getString("job_id") + " ended canceled",
        u.awaitStatus(dep.getString("job_id"), "failed").getString("error"));
  }

  @Test
  void unknownForeignAndCyclicDependenciesAre400() throws Exception {
    Api u = server.user("cyclic", "serial");
    Api other = server.user("othercyc", "serial");
    String foreign = other.train(new JsonObject()).getString("job_id");
    assertEquals("depends_on", u.post("/api/jobs/train", base().put("depends_on", "job_missing")).problem(400)
        .getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals("depends_on", u.post("/api/jobs/train", base().put("depends_on", foreign)).problem(400)
        .getJsonArray("errors").getJsonObject(0).getString("field"));
    // Two stored jobs that depend on each other (only reachable by corrupting the table): refused, not looped on.
    try (var c = server.sql(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO jobs(job_id, job_type, status, owner_user_id, depends_on) VALUES"
          + " ('job_cyc_a', 'train', 'success', " + u.userId() + ", 'job_cyc_b'),"
          + " ('job_cyc_b', 'train', 'success', " + u.userId() + ", 'job_cyc_a')");
    }
    JsonObject p = u.post("/api/jobs/train", base().put("depends_on", "job_cyc_a")).problem(400);
    assertTrue(p.getString("detail").contains("cycle"), p.encode());
    JsonObject predictNoModel = u.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
        .put("output_dim", 4)).problem(400);
    assertEquals("model_id", predictNoModel.getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals(0, u.get("/api/jobs").json().getLong("total") - 2, "nothing but the two planted rows");
  }

  @Test
  void templatesRoundTripAndSubmitWithOverrides() {
    Api u = server.user("templater", "parallel");
    JsonObject t = u.post("/api/templates", new JsonObject().put("name", "demo quick").put("job_type", "train")
        .put("params", base().put("lr", 0.003))).expect(200).json().getJsonObject("template");
    assertEquals("demo quick", t.getString("name"));
    assertEquals(64, t.getJsonObject("params").getInteger("batch_size"), "stored normalized, defaults filled");
    assertEquals(1, u.get("/api/templates").json().getJsonArray("items").size());
    u.post("/api/templates", new JsonObject().put("name", "demo quick").put("job_type", "train").put("params", base())).problem(409);
    JsonObject invalid = u.post("/api/templates", new JsonObject().put("name", "bad").put("job_type", "train")
        .put("params", base().put("gene_size", "x"))).problem(400);
    assertEquals("params.gene_size", invalid.getJsonArray("errors").getJsonObject(0).getString("field"));

    JsonObject job = u.post("/api/templates/" + t.getString("template_id") + "/submit",
        new JsonObject().put("overrides", new JsonObject().put("epochs", 2))).expect(200).json().getJsonObject("job");
    assertEquals(2, job.getJsonObject("params").getInteger("epochs"));
    assertEquals(0.003, job.getJsonObject("params").getDouble("lr"));
    u.post("/api/templates/" + t.getString("template_id") + "/submit",
        new JsonObject().put("overrides", new JsonObject().put("epochs", 0))).problem(400);
    server.user("thief", "serial").post("/api/templates/" + t.getString("template_id") + "/submit", null).problem(404);
    u.delete("/api/templates/" + t.getString("template_id")).expect(200);
    assertEquals(0, u.get("/api/templates").json().getJsonArray("items").size());
    u.awaitStatus(job.getString("job_id"), "success");
  }

  @Test
  void predictTemplatesKeepTheirModelAndTemplatesKeepTheirDependency() {
    Api u = server.user("tplpredict", "parallel");
    JsonObject trained = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success");
    JsonObject t = u.post("/api/templates", new JsonObject().put("name", "score demo").put("job_type", "predict")
        .put("params", new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
            .put("model_id", trained.getString("model_id")))).expect(200).json().getJsonObject("template");
    assertFalse(t.getJsonObject("params").containsKey("model_path"), t.encode());
    JsonObject job = u.post("/api/templates/" + t.getString("template_id") + "/submit", null).expect(200).json().getJsonObject("job");
    assertEquals("success", u.awaitStatus(job.getString("job_id"), "success").getString("status"));

    JsonObject dep = u.post("/api/templates", new JsonObject().put("name", "after").put("job_type", "train")
        .put("params", base().put("depends_on", trained.getString("job_id")))).expect(200).json().getJsonObject("template");
    JsonObject chained = u.post("/api/templates/" + dep.getString("template_id") + "/submit", null).expect(200).json().getJsonObject("job");
    assertEquals(trained.getString("job_id"), chained.getString("depends_on"));
  }

  @Test
  void analyticsSummarizeTodaysJobsPerType() {
    Api u = server.user("analyst", "parallel");
    for (int i = 0; i < 3; i++) {
      u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success");
    }
    u.awaitStatus(u.train(new JsonObject().put("gene_size", 3)).getString("job_id"), "failed");
    JsonArray days = u.get("/api/analytics?days=7").expect(200).json().getJsonArray("days");
    assertEquals(1, days.size(), days.encode());
    JsonObject today = days.getJsonObject(0);
    assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), today.getString("date"));
    assertEquals("train", today.getString("job_type"));
    assertEquals(4, today.getInteger("submitted"));
    assertEquals(3, today.getInteger("success"));
    assertEquals(1, today.getInteger("failed"));
    assertEquals(0.75, today.getDouble("success_rate"));
    assertTrue(today.getDouble("run_p50_s") > 0 && today.getDouble("run_p50_s") < 30, today.encode());
    assertTrue(today.getDouble("run_p95_s") >= today.getDouble("run_p50_s"));
    assertNotNull(today.getDouble("wait_p50_s"));
    assertEquals(0, u.get("/api/analytics?job_type=predict").json().getJsonArray("days").size());
    u.get("/api/analytics?days=0").problem(400);
    u.get("/api/analytics?job_type=x").problem(400);
  }

  @Test
  void cursorPagingWalksEveryJobOnceInListOrder() throws Exception {
    Api u = server.user("pager", "serial");
    try (var c = server.sql(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO jobs(job_id, job_type, status, owner_user_id, created_at) SELECT 'job_page_' || g, 'train',"
          + " 'success', " + u.userId() + ", now() - g * interval '1 second' FROM generate_series(1, 250) g");
    }
    List<String> byOffset = new ArrayList<>();
    for (int off = 0; off < 250; off += 100) {
      u.get("/api/jobs?limit=100&offset=" + off).json().getJsonArray("items").forEach(j -> byOffset.add(((JsonObject) j).getString("job_id")));
    }
    List<String> byCursor = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = u.get("/api/jobs?limit=100" + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).json();
      assertEquals(250, page.getLong("total"));
      page.getJsonArray("items").forEach(j -> byCursor.add(((JsonObject) j).getString("job_id")));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(byOffset, byCursor);
    assertEquals(250, new HashSet<>(byCursor).size());
    assertEquals("cursor", u.get("/api/jobs?cursor=garbage").problem(400).getJsonArray("errors").getJsonObject(0).getString("field"));
    assertFalse(byCursor.isEmpty());
  }

  private static JsonObject base() {
    return new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1);
  }
}
