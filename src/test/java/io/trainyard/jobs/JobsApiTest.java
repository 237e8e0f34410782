package io.trainyard.jobs;

import io.trainyard.testing.Api;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local Jobs API against a real server, real PostgreSQL and the real demo programs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsApiTest {
  private TestServer server;
  private Api alice;
  private Api bob;

  @BeforeAll
  void start() {
    server = TestServer.start();
    alice = server.user("alice", "parallel");
    bob = server.user("bob", "serial");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void trainedModelDrivesASuccessfulPredictionEndToEnd() throws Exception {
    JsonObject queued = alice.train(new JsonObject().put("epochs", 2));
    assertEquals("queued", queued.getString("status"));
    assertEquals(alice.userId(), queued.getLong("owner_user_id"));
    JsonObject params = queued.getJsonObject("params");
    assertEquals(64, params.getInteger("batch_size"), "defaults are filled in");
    assertEquals(1e-4, params.getDouble("lr"));
    assertTrue(queued.getString("job_id").matches("[A-Za-z0-9_-]+"));

    JsonObject trained = alice.awaitStatus(queued.getString("job_id"), "success");
    assertEquals(0, trained.getInteger("exit_code"));
    assertNotNull(trained.getString("started_at"));
    assertNotNull(trained.getString("finished_at"));
    assertNotNull(trained.getInteger("pid"));
    assertEquals(server.nodeId(), trained.getString("node_id"));
    String modelId = trained.getString("model_id");
    assertNotNull(modelId);
    assertTrue(trained.getJsonObject("result_summary").getDouble("val_r2") > 0.3, trained.encode());
    JsonArray models = alice.get("/api/models").expect(200).json().getJsonArray("items");
    assertEquals(modelId, models.getJsonObject(0).getString("model_id"));
    assertTrue(Files.isRegularFile(Path.of(models.getJsonObject(0).getString("path"))));

    JsonObject predict = alice.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo")
        .put("model_id", modelId).put("gene_size", 64).put("output_dim", 4)).expect(200).json().getJsonObject("job");
    JsonObject predicted = alice.awaitStatus(predict.getString("job_id"), "success");
    String resultId = predicted.getString("result_id");
    assertEquals(512, predicted.getJsonObject("result_summary").getInteger("rows"));
    JsonObject result = alice.get("/api/results/" + resultId).expect(200).json();
    assertEquals(512, result.getInteger("rows"));
    assertEquals(modelId, result.getString("model_id"));
    assertEquals(20, result.getJsonArray("preview").size());
    Api.Res csv = alice.get("/api/results/" + resultId + "/download").expect(200);
    assertTrue(csv.header("Content-Type").startsWith("text/csv"));
    assertEquals(513, csv.body().split("\n").length);
    assertEquals(1, alice.get("/api/results").json().getJsonArray("items").size());

    // The same model by path, relative to the artifacts directory.
    String rel = server.dataDir().resolve("artifacts").relativize(Path.of(models.getJsonObject(0).getString("path"))).toString();
    JsonObject byPath = alice.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo")
        .put("model_path", rel).put("gene_size", 64).put("output_dim", 4)).expect(200).json().getJsonObject("job");
    alice.awaitStatus(byPath.getString("job_id"), "success");
  }

  @Test
  void paramsThatDoNotFitTheDataFailWithTheProgramsOwnReason() {
    JsonObject job = alice.train(new JsonObject().put("gene_size", 100));
    JsonObject failed = alice.awaitStatus(job.getString("job_id"), "failed");
    assertEquals(2, failed.getInteger("exit_code"));
    assertTrue(failed.getString("error").contains("gene_size 100"), failed.getString("error"));
    assertNull(failed.getString("model_id"));
    String lastLog = failed.getString("last_log");
    assertTrue(lastLog != null && failed.getString("error").startsWith(lastLog),
        "the record keeps the last line its log showed, written with the outcome: " + lastLog);
  }

  @Test
  void logTailFollowAndLinesAgree() {
    JsonObject job = alice.awaitStatus(alice.train(new JsonObject().put("epochs", 3)).getString("job_id"), "success");
    String id = job.getString("job_id");
    String log = alice.get("/api/jobs/" + id + "/log").expect(200).json().getString("log");
    assertTrue(log.contains("epoch 3/3 step"), log);
    assertTrue(log.endsWith("\n"));
    // Follow by offsets: the chunks add up to exactly the log.
    JsonObject first = alice.get("/api/jobs/" + id + "/log?offset=0").expect(200).json();
    assertEquals(0, first.getLong("offset"));
    assertEquals(log, first.getString("log"));
    long next = first.getLong("next_offset");
    assertEquals(log.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, next);
    JsonObject rest = alice.get("/api/jobs/" + id + "/log?offset=" + next).expect(200).json();
    assertEquals("", rest.getString("log"));
    assertEquals(next, rest.getLong("next_offset"));
    JsonObject mid = alice.get("/api/jobs/" + id + "/log?offset=10").expect(200).json();
    assertEquals(log.substring(10), mid.getString("log"));
    alice.get("/api/jobs/" + id + "/log?offset=-5").problem(400);

    String[] lines = log.split("\n");
    String tail2 = alice.get("/api/jobs/" + id + "/logs?tail=2").expect(200).json().getString("logs");
    assertEquals(lines[lines.length - 2] + "\n" + lines[lines.length - 1] + "\n", tail2);
    assertEquals(log, alice.get("/api/jobs/" + id + "/logs").json().getString("logs"));
    alice.get("/api/jobs/" + id + "/logs?tail=0").problem(400);
  }

  @Test
  void logIsTheLast20000CharactersAndFallsBackToTheLoggerFile() throws Exception {
    JsonObject job = bob.train(new JsonObject().put("gene_size", 7)); // fails fast
    String id = bob.awaitStatus(job.getString("job_id"), "failed").getString("job_id");
    Path dir = Path.of(job.getString("artifacts_dir"));
    Files.writeString(dir.resolve("output.log"), "");
    assertEquals("", bob.get("/api/jobs/" + id + "/log").json().getString("log"));
    Files.createDirectories(dir.resolve("logger"));
    Files.writeString(dir.resolve("logger/log.txt"), "from the trainer's own logger\n");
    assertEquals("from the trainer's own logger\n", bob.get("/api/jobs/" + id + "/log").json().getString("log"));
    String big = "0123456789".repeat(3000) + "é終";
    Files.writeString(dir.resolve("output.log"), big);
    String tail = bob.get("/api/jobs/" + id + "/log").json().getString("log");
    assertEquals(20000, tail.length());
    assertTrue(big.endsWith(tail));
  }

  @Test
  void anotherUsersJobIs404OnEveryRouteAndAbsentFromLists() {
    JsonObject job = alice.awaitStatus(alice.train(new JsonObject()).getString("job_id"), "success");
    String id = job.getString("job_id");
    bob.get("/api/jobs/" + id).problem(404);
    bob.get("/api/jobs/" + id + "/log").problem(404);
    bob.get("/api/jobs/" + id + "/logs?tail=3").problem(404);
    bob.post("/api/jobs/" + id + "/cancel", null).problem(404);
    bob.delete("/api/jobs/" + id).problem(404);
    JsonArray visible = bob.get("/api/jobs?limit=1000").json().getJsonArray("items");
    assertFalse(visible.stream().anyMatch(j -> ((JsonObject) j).getString("job_id").equals(id)));
    assertEquals(0, bob.get("/api/jobs?owner_user_id=" + alice.userId()).json().getLong("total"));
    assertFalse(bob.get("/api/models").json().encode().contains(job.getString("model_id")));
    bob.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo").put("model_id", job.getString("model_id"))
        .put("gene_size", 64).put("output_dim", 4)).problem(400);
    // bob's flush of everything leaves alice's job alone
    bob.post("/api/jobs/flush?scope=all", null).expect(200);
    alice.get("/api/jobs/" + id).expect(200);
    // The admin sees it and may filter by owner.
    Api admin = server.admin();
    admin.get("/api/jobs/" + id).expect(200);
    JsonObject owned = admin.get("/api/jobs?owner_user_id=" + alice.userId() + "&limit=1000").expect(200).json();
    assertTrue(owned.getJsonArray("items").stream().allMatch(j -> ((JsonObject) j).getLong("owner_user_id") == alice.userId()));
  }

  @Test
  void listIsNewestFirstWithTotalsFiltersAndStatusAliases() {
    Api carl = server.user("carl", "parallel");
    String a = carl.awaitStatus(carl.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String b = carl.awaitStatus(carl.train(new JsonObject().put("gene_size", 3)).getString("job_id"), "failed").getString("job_id");
    JsonObject page = carl.get("/api/jobs").expect(200).json();
    assertEquals(2, page.getLong("total"));
    assertEquals(100, page.getInteger("limit"));
    assertEquals(0, page.getInteger("offset"));
    assertEquals(b, page.getJsonArray("items").getJsonObject(0).getString("job_id"), "newest first");
    assertEquals(a, carl.get("/api/jobs?status=completed").json().getJsonArray("items").getJsonObject(0).getString("job_id"));
    assertEquals(1, carl.get("/api/jobs?status=success").json().getLong("total"));
    assertEquals(0, carl.get("/api/jobs?status=cancelled").json().getLong("total"));
    assertEquals(2, carl.get("/api/jobs?job_type=train").json().getLong("total"));
    assertEquals(0, carl.get("/api/jobs?job_type=predict").json().getLong("total"));
    JsonObject second = carl.get("/api/jobs?limit=1&offset=1").json();
    assertEquals(2, second.getLong("total"));
    assertEquals(a, second.getJsonArray("items").getJsonObject(0).getString("job_id"));
  }

  @Test
  void cancelOfQueuedDeleteAndFlushAnswerAsTheContractSays() throws Exception {
    Api dora = server.user("dora", "serial");
    JsonObject slow = dora.train(new JsonObject().put("epochs", 200)); // ~ 8 s at 5 ms/step
    long slowPid = dora.awaitJob(slow.getString("job_id"), j -> j.getInteger("pid") != null, Duration.ofSeconds(30))
        .getInteger("pid");
    JsonObject queued = dora.train(new JsonObject());
    assertEquals("queued", dora.job(queued.getString("job_id")).getString("status"));
    assertEquals(1, dora.job(queued.getString("job_id")).getInteger("queue_position"));
    assertTrue(dora.job(queued.getString("job_id")).getString("waiting_reason").contains("user limit: 1 of 1 running (serial)"));

    JsonObject canceled = dora.post("/api/jobs/" + queued.getString("job_id") + "/cancel", null).expect(200).json().getJsonObject("job");
    assertEquals("canceled", canceled.getString("status"));
    assertNull(canceled.getInteger("pid"), "a canceled queued job never ran");
    JsonObject again = dora.post("/api/jobs/" + queued.getString("job_id") + "/cancel", null).problem(400);
    assertEquals("Job is already finished: canceled", again.getString("detail"));

    JsonObject active = dora.delete("/api/jobs/" + slow.getString("job_id")).problem(400);
    assertTrue(active.getString("detail").startsWith("Job is still active"), active.encode());

    Path dir = Path.of(queued.getString("artifacts_dir"));
    assertFalse(Files.exists(dir), "a job's directory is made when its program starts, and this one never did");
    JsonObject deleted = dora.delete("/api/jobs/" + queued.getString("job_id")).expect(200).json();
    assertEquals(true, deleted.getBoolean("deleted"));
    assertEquals(0, deleted.getInteger("removed_models"));
    assertEquals(0, deleted.getInteger("removed_results"));
    dora.get("/api/jobs/" + queued.getString("job_id")).problem(404);

    // flush (scope=active, force): the running job's tree is stopped and the job removed, with the
    // directory its program wrote into (purge_artifacts defaults to true).
    Path slowDir = Path.of(slow.getString("artifacts_dir"));
    assertTrue(Files.isDirectory(slowDir), "a started job has its directory");
    JsonObject queued2 = dora.train(new JsonObject());
    JsonObject flushed = dora.post("/api/jobs/flush", null).expect(200).json();
    assertEquals("active", flushed.getString("scope"));
    assertEquals(2, flushed.getInteger("deleted_jobs"), flushed.encode());
    assertEquals(0, flushed.getJsonArray("skipped_running_jobs").size());
    dora.get("/api/jobs/" + slow.getString("job_id")).problem(404);
    dora.get("/api/jobs/" + queued2.getString("job_id")).problem(404);
    assertFalse(ProcessHandle.of(slowPid).map(ProcessHandle::isAlive).orElse(false), "flush stopped the process");
    assertFalse(Files.exists(slowDir), "purge_artifacts defaults to true");
  }

  @Test
  void flushWithoutForceKeepsLiveJobsAndScopeAllRemovesFinishedOnesWithTheirModels() {
    Api erin = server.user("erin", "parallel");
    JsonObject done = erin.awaitStatus(erin.train(new JsonObject()).getString("job_id"), "success");
    JsonObject slow = erin.train(new JsonObject().put("epochs", 200));
    erin.awaitStatus(slow.getString("job_id"), "running");
    JsonObject kept = erin.post("/api/jobs/flush?force=false&scope=all", null).expect(200).json();
    assertEquals(new JsonArray().add(slow.getString("job_id")), kept.getJsonArray("skipped_running_jobs"));
    assertEquals(1, kept.getInteger("deleted_jobs"));
    assertEquals(1, kept.getInteger("removed_models"));
    erin.get("/api/jobs/" + done.getString("job_id")).problem(404);
    assertEquals("running", erin.job(slow.getString("job_id")).getString("status"));
    JsonObject forced = erin.post("/api/jobs/flush?scope=all", null).expect(200).json();
    assertEquals(1, forced.getInteger("deleted_jobs"));
    assertEquals(0, erin.get("/api/jobs").json().getLong("total"));
  }

  @Test
  void healthAndMetricsAnswerWithoutSignIn() {
    JsonObject health = server.api().get("/api/health").expect(200).json();
    assertEquals("ok", health.getString("status"));
    assertEquals("ok", health.getString("db"));
    assertEquals(server.nodeId(), health.getString("node_id"));
    assertEquals(1, health.getInteger("cluster_members"));
    server.api().get("/metrics").expect(200);
    JsonArray datasets = alice.get("/api/datasets").expect(200).json().getJsonArray("items");
    assertEquals(new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("rows", 512),
        datasets.getJsonObject(0));
  }
}
