package io.trainyard.providers;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.trainyard.providers.CloudFixture.await;
import static io.trainyard.providers.CloudFixture.awaitStatus;
import static io.trainyard.providers.CloudFixture.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cloud jobs end to end against the fake Replicate, kept in sync by the poller (on by default: no
 * webhook URL is configured here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudJobsTest {
  private CloudFixture fx;
  private Api alice;
  private Api bob;

  @BeforeAll
  void start() {
    fx = CloudFixture.start(conf -> AppConfig.put(conf, "background.job_status_polling.unknown_grace_seconds", 1));
    alice = fx.server.user("alice", "serial");
    bob = fx.server.user("bob", "serial");
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void aProviderErrorDuringAForcedFlushKeepsThatCloudJobAsItWasListedAndStillFlushesTheRest() {
    Api carol = fx.server.user("flusher", "serial");
    JsonObject cloud = submit(carol, CloudFixture.training("flush-fault"));
    String cloudId = cloud.getString("job_id");
    JsonObject before = carol.job(cloudId);
    // A local job that waits on the cloud job stays queued: the flush holds it, then deletes it.
    JsonObject waiting = carol.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
        .put("output_dim", 4).put("depends_on", cloudId)).expect(200).json().getJsonObject("job");
    fx.fake.injectFaults(500, 20, 0, "POST /v1/*");

    JsonObject flushed = carol.post("/api/jobs/flush", null).expect(200).json();
    fx.fake.injectFaults(500, 0, 0, "POST /v1/*");
    assertEquals(List.of(cloudId), flushed.getJsonArray("skipped_running_jobs").getList(), flushed.encode());
    assertEquals(1, flushed.getInteger("deleted_jobs"), flushed.encode());
    carol.get("/api/jobs/" + waiting.getString("job_id")).problem(404);
    JsonObject after = carol.job(cloudId);
    assertEquals(before.getString("status"), after.getString("status"), "the cloud job was not touched");
    assertFalse(after.getBoolean("cancel_requested"), after.encode());
    assertEquals(before.getString("provider_status"), after.getString("provider_status"));
  }

  @Test
  void theConfiguredTokenValidatesAndAnUnknownProviderIs404() {
    JsonObject v = alice.get("/api/cloud/providers/replicate/validate").expect(200).json();
    assertEquals("replicate", v.getString("provider"));
    assertTrue(v.getBoolean("valid"));
    assertTrue(v.getString("detail").contains("fake-user"), v.encode());
    alice.get("/api/cloud/providers/nimbus/validate").problem(404);
  }

  @Test
  void aTrainingGoesQueuedRunningSuccessWithProgressLogsAndCost() throws Exception {
    JsonObject job = submit(alice, CloudFixture.training("e2e"));
    String id = job.getString("job_id");
    assertEquals("cloud", job.getString("job_type"));
    assertEquals("replicate", job.getString("provider"));
    assertEquals("queued", job.getString("status"), "starting at the provider is queued here");
    assertEquals(alice.userId(), job.getLong("owner_user_id"));
    assertEquals(new JsonObject().put("version", "acme/flux-dev:4b2f0c1d9e")
        .put("input", new JsonObject().put("steps", 1000).put("note", "e2e")).put("kind", "training")
        .put("destination", "alice/my-flux"), job.getJsonObject("params"));
    String ext = job.getString("external_id");
    assertNotNull(ext);
    assertEquals(JsonObject.of("webhook", null, "webhook_events_filter", null), fx.fake.submissionWebhook(ext),
        "without a webhook URL no webhook is requested");

    fx.fake.update(ext, "processing", "Loading weights\nepoch 1/4 step 25/100 loss 0.91\n", null, null, null, null);
    JsonObject running = await(alice, id, j -> "running".equals(j.getString("status")) && j.getDouble("progress") != null);
    assertEquals(25.0, running.getDouble("progress"));
    assertEquals("Training", running.getString("stage"));
    assertNotNull(running.getString("started_at"));
    JsonObject inline = alice.get("/api/cloud/jobs/" + id + "/inline-progress").expect(200).json();
    assertEquals(id, inline.getString("job_id"));
    assertEquals(25.0, inline.getDouble("progress"));
    assertEquals("epoch 1/4 step 25/100 loss 0.91", inline.getString("last_log"));
    // The provider's logs are the job's log, served by the usual routes.
    String log = alice.get("/api/jobs/" + id + "/log").expect(200).json().getString("log");
    assertEquals("Loading weights\nepoch 1/4 step 25/100 loss 0.91\n", log);
    assertTrue(Files.isRegularFile(Path.of(running.getString("log_path"))));

    fx.fake.update(ext, "succeeded", "epoch 4/4 step 100/100 loss 0.12\n", null, null, 200.0, null);
    JsonObject done = awaitStatus(alice, id, "success");
    assertEquals(0.195, done.getDouble("cost_usd"), 1e-9, "200 s at the default gpu-l40s price");
    assertEquals(100.0, done.getDouble("progress"));
    assertNotNull(done.getString("finished_at"));
    JsonObject after = alice.get("/api/cloud/jobs/" + id + "/inline-progress").expect(200).json();
    assertNull(after.getValue("progress"), "only a running job answers progress values");
    assertTrue(alice.get("/api/jobs/" + id + "/logs?tail=1").json().getString("logs").contains("step 100/100"));
  }

  @Test
  void aPredictionOnNamedHardwareIsBilledAtThatPrice() {
    JsonObject job = submit(alice, CloudFixture.prediction("gpu-h100"));
    assertEquals("gpu-h100", job.getString("hardware"));
    assertEquals("prediction", job.getJsonObject("params").getString("kind"));
    fx.fake.update(job.getString("external_id"), "succeeded", "done\n", null, null, 10.0, null);
    JsonObject done = awaitStatus(alice, job.getString("job_id"), "success");
    assertEquals(0.01525, done.getDouble("cost_usd"), 1e-9);
  }

  @Test
  void failedAndAbortedAtTheProviderBothEndFailed() {
    JsonObject a = submit(alice, CloudFixture.training("fails"));
    JsonObject b = submit(alice, CloudFixture.prediction(null));
    fx.fake.update(a.getString("external_id"), "failed", "Traceback: CUDA out of memory\n", null,
        "CUDA out of memory", 3.0, null);
    fx.fake.advance(b.getString("external_id"), "aborted");
    JsonObject fa = awaitStatus(alice, a.getString("job_id"), "failed");
    assertEquals("CUDA out of memory", fa.getString("error"));
    assertEquals(0.002925, fa.getDouble("cost_usd"), 1e-9, "failed runs are billed too");
    JsonObject fb = awaitStatus(alice, b.getString("job_id"), "failed");
    assertTrue(fb.getString("error").contains("aborted"), fb.getString("error"));
  }

  @Test
  void cancelWorksThroughTheCloudRouteAndTheGenericRoutes() {
    JsonObject a = submit(alice, CloudFixture.training("cancel-a"));
    JsonObject canceled = alice.post("/api/cloud/jobs/" + a.getString("job_id") + "/cancel", null).expect(200).json()
        .getJsonObject("job");
    assertEquals("canceled", canceled.getString("status"));
    assertEquals("canceled", fx.providerObject(a.getString("external_id")).getString("status"));
    alice.post("/api/cloud/jobs/" + a.getString("job_id") + "/cancel", null).problem(400);

    JsonObject b = submit(alice, CloudFixture.prediction(null));
    fx.fake.advance(b.getString("external_id"), "processing");
    awaitStatus(alice, b.getString("job_id"), "running");
    JsonObject delActive = alice.delete("/api/jobs/" + b.getString("job_id")).problem(400);
    assertTrue(delActive.getString("detail").contains("still active"));
    JsonObject viaGeneric = alice.post("/api/jobs/" + b.getString("job_id") + "/cancel", null).expect(200).json()
        .getJsonObject("job");
    assertEquals("canceled", viaGeneric.getString("status"));
    assertEquals("canceled", fx.providerObject(b.getString("external_id")).getString("status"));
    alice.post("/api/jobs/" + b.getString("job_id") + "/cancel", null).problem(400);
    JsonObject deleted = alice.delete("/api/jobs/" + b.getString("job_id")).expect(200).json();
    assertTrue(deleted.getBoolean("deleted"));
    alice.get("/api/jobs/" + b.getString("job_id")).problem(404);
    assertFalse(Files.exists(Path.of(viaGeneric.getString("artifacts_dir"))));
  }

  @Test
  void anUnknownProviderStatusIsKeptInErrorThenFailsAfterTheGrace() {
    JsonObject job = submit(alice, CloudFixture.training("weird"));
    fx.fake.advance(job.getString("external_id"), "processing");
    awaitStatus(alice, job.getString("job_id"), "running");
    fx.fake.advance(job.getString("external_id"), "hibernating");
    JsonObject noted = await(alice, job.getString("job_id"), j -> j.getString("error") != null);
    assertTrue(noted.getString("error").contains("'hibernating'"), noted.getString("error"));
    JsonObject failed = awaitStatus(alice, job.getString("job_id"), "failed");
    assertTrue(failed.getString("error").contains("grace"), failed.getString("error"));
  }

  @Test
  void providerRateLimitsAndErrorsOnSubmitAreProblemsNot500s() {
    long before = fx.fake.requestCount();
    String create = "POST /v1/models/{owner}/{name}/versions/{id}/trainings";
    // Scoped to one route, so the poller's GETs cannot use up the faults.
    fx.fake.injectFaults(429, 1, 7, create);
    JsonObject limited = alice.post("/api/cloud/jobs", CloudFixture.training("429")).problem(429);
    assertTrue(limited.getString("detail").contains("throttled"), limited.encode());
    fx.fake.injectFaults(500, 1, 1, create);
    JsonObject broken = alice.post("/api/cloud/jobs", CloudFixture.training("500")).problem(502);
    assertTrue(broken.getString("detail").contains("Internal server error"), broken.encode());
    fx.fake.injectFaults(429, 1, 1, "GET /v1/trainings");
    alice.post("/api/cloud/jobs/sync", null).problem(429);
    assertTrue(fx.fake.requestCount() > before);
    JsonArray mine = alice.get("/api/cloud/jobs?limit=1000").expect(200).json().getJsonArray("jobs");
    assertTrue(mine.stream().map(o -> (JsonObject) o).noneMatch(j -> {
      JsonObject input = j.getJsonObject("params").getJsonObject("input");
      return input != null && ("429".equals(input.getString("note")) || "500".equals(input.getString("note")));
    }), "a refused submission leaves no job behind");
  }

  @Test
  void submissionsAreValidatedWithEveryBadFieldNamed() {
    long before = fx.fake.requestCount();
    JsonObject p = alice.post("/api/cloud/jobs", new JsonObject().put("kind", "training").put("version", "flux")
        .put("input", "x").put("hardware", "gpu-quantum").put("epochs", 3)).problem(400);
    JsonArray fields = new JsonArray(p.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).toList());
    for (String f : new String[] {"version", "input", "destination", "hardware", "epochs"}) {
      assertTrue(fields.contains(f), f + " in " + p.encode());
    }
    alice.post("/api/cloud/jobs", CloudFixture.prediction(null).put("destination", "a/b")).problem(400);
    alice.post("/api/cloud/jobs", CloudFixture.training("x").put("kind", "finetune")).problem(400);
    alice.post("/api/cloud/jobs", CloudFixture.training("x").put("provider", "nimbus")).problem(400);
    alice.post("/api/cloud/jobs", CloudFixture.training("x").put("version", "acme/../x:1")).problem(400);
    alice.postRaw("/api/cloud/jobs", "{not json").problem(400);
    assertEquals(before, fx.fake.requestCount(), "nothing invalid reaches the provider");
  }

  @Test
  void syncDiscoversTheNewestHundredOnceAndGivesThemToTheCaller() {
    Api carol = fx.server.user("carol", "serial");
    fx.fake.seed("training", 30, "succeeded");
    fx.fake.seed("prediction", 90, "processing");
    JsonObject first = carol.post("/api/cloud/jobs/sync", null).expect(200).json();
    // 120 outside jobs + the ones other tests submitted: the newest 100 of all are looked at.
    assertTrue(first.getInteger("synced") >= 90 && first.getInteger("synced") <= 100, first.encode());
    assertEquals("Discovered " + first.getInteger("synced") + " new jobs from Replicate", first.getString("message"));
    JsonObject again = carol.post("/api/cloud/jobs/sync", null).expect(200).json();
    assertEquals(0, again.getInteger("synced"), again.encode());
    assertEquals("Discovered 0 new jobs from Replicate", again.getString("message"));

    JsonObject list = carol.get("/api/cloud/jobs?limit=1000").expect(200).json();
    assertEquals(first.getInteger("synced"), list.getInteger("total"));
    JsonObject running = carol.get("/api/cloud/jobs?status=running&limit=1000").expect(200).json();
    assertEquals(90, running.getInteger("total"), "the 90 processing predictions are running");
    JsonObject one = running.getJsonArray("jobs").getJsonObject(0);
    assertEquals(carol.userId(), one.getLong("owner_user_id"));
    assertEquals("outside/model:" + fx.providerObject(one.getString("external_id")).getString("version"),
        one.getJsonObject("params").getString("version"));
    assertTrue(carol.get("/api/jobs/" + one.getString("job_id") + "/log").json().getString("log").startsWith("outside job"));
    // Alice does not see carol's imports.
    assertEquals(0, alice.get("/api/cloud/jobs?limit=1000").json().getJsonArray("jobs").stream()
        .filter(j -> ((JsonObject) j).getLong("owner_user_id") == carol.userId()).count());
  }

  @Test
  void othersSeeNeitherMyCloudJobsNorTheirProgress() {
    JsonObject job = submit(alice, CloudFixture.training("private"));
    String id = job.getString("job_id");
    bob.get("/api/cloud/jobs/" + id + "/inline-progress").problem(404);
    bob.post("/api/cloud/jobs/" + id + "/cancel", null).problem(404);
    bob.post("/api/jobs/" + id + "/cancel", null).problem(404);
    assertTrue(bob.get("/api/cloud/jobs").json().getJsonArray("jobs").stream()
        .noneMatch(j -> id.equals(((JsonObject) j).getString("job_id"))));
    JsonObject asAdmin = fx.server.admin().get("/api/cloud/jobs?limit=1000").expect(200).json();
    assertTrue(asAdmin.getJsonArray("jobs").stream().anyMatch(j -> id.equals(((JsonObject) j).getString("job_id"))));
    // A local job is not a cloud job.
    JsonObject local = alice.train(new JsonObject());
    alice.get("/api/cloud/jobs/" + local.getString("job_id") + "/inline-progress").problem(404);
  }

  @Test
  void healthShowsThePollerOnByDefaultWithoutAWebhookUrl() {
    JsonObject last = fx.awaitCycles(1);
    JsonObject poller = fx.poller();
    assertTrue(poller.getBoolean("enabled"));
    assertEquals("auto", poller.getString("mode"));
    assertEquals(0.2, poller.getDouble("interval_seconds"));
    assertNotNull(last.getString("finished_at"));
    assertNotNull(last.getJsonObject("providers").getJsonObject("replicate"));
  }

  @Test
  void cloudJobsAppearInTheGenericListAndCounts() {
    long countedBefore = alice.get("/api/jobs/counts").expect(200).json().getLong("total");
    JsonObject job = submit(alice, CloudFixture.prediction(null));
    JsonObject page = alice.get("/api/jobs?job_type=cloud&limit=1000").expect(200).json();
    assertTrue(page.getJsonArray("items").stream().anyMatch(j -> job.getString("job_id").equals(((JsonObject) j).getString("job_id"))));
    JsonObject byProvider = alice.get("/api/cloud/jobs?provider=replicate&limit=5").expect(200).json();
    assertTrue(byProvider.getInteger("total") >= 1);
    assertEquals(5, byProvider.getInteger("limit"));
    alice.get("/api/cloud/jobs?limit=5000").problem(400);
    alice.get("/api/cloud/jobs?sync_active=maybe").problem(400);
    // The counts are kept by a trigger in the submission's own transaction: no wait, the next read has it.
    JsonObject counts = alice.get("/api/jobs/counts").expect(200).json();
    assertEquals(countedBefore + 1, counts.getLong("total"), "the counts include the cloud job: " + counts);
  }
}
