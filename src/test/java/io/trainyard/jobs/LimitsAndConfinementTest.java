package io.trainyard.jobs;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit findings 8, 9 (log reads) and 10 (limits): per-user bounds on queued jobs and templates, a
 * model_path confined to the caller's own jobs, and a bounded {@code ?tail=} read. Nothing starts
 * here (node capacity 0), so queued jobs stay queued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsAndConfinementTest {
  private TestServer server;
  private Api alice;
  private Api bob;

  @BeforeAll
  void start() {
    server = TestServer.start(c -> {
      c.getJsonObject("scheduler").put("node_capacity", 0);
      c.put("limits", new JsonObject().put("max_queued_per_user", 3).put("max_templates_per_user", 2));
    });
    alice = server.user("alice", "serial");
    bob = server.user("bob", "serial");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static JsonObject train() {
    return new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1);
  }

  @Test
  void queuedJobsPerUserAreBoundedWith429AndARefusedSubmissionCreatesNothing() {
    Api carol = server.user("carol", "serial");
    for (int i = 0; i < 3; i++) {
      carol.post("/api/jobs/train", train()).expect(200);
    }
    JsonObject p = carol.post("/api/jobs/train", train()).problem(429);
    assertTrue(p.getString("detail").contains("max_queued_per_user"), p.encode());
    carol.post("/api/jobs/batch", new JsonObject().put("jobs", new JsonArray().add(train().put("job_type", "train"))))
        .problem(429);
    assertEquals(3, carol.get("/api/jobs/counts").expect(200).json().getInteger("queued"));
    // Another user's queue is their own.
    Api dan = server.user("dan", "serial");
    dan.post("/api/jobs/train", train()).expect(200);
  }

  @Test
  void aBulkRerunThatMeetsTheQueueBoundReportsEachIdAndActsOnTheRest() {
    Api fay = server.user("bulk-fay", "serial");
    String a = fay.post("/api/jobs/train", train()).expect(200).json().getJsonObject("job").getString("job_id");
    String b = fay.post("/api/jobs/train", train()).expect(200).json().getJsonObject("job").getString("job_id");
    JsonObject out = fay.post("/api/jobs/bulk-rerun", new JsonObject().put("job_ids", new JsonArray().add(a).add(b)))
        .expect(200).json();
    assertEquals(new JsonArray().add(a), out.getJsonArray("rerun"), "the third queued job fits under the bound");
    assertEquals(1, out.getInteger("count"));
    JsonObject failed = out.getJsonArray("failed").getJsonObject(0);
    assertEquals(b, failed.getString("job_id"));
    assertEquals(429, failed.getInteger("status"));
    assertEquals(3, fay.get("/api/jobs/counts").json().getInteger("queued"), "exactly what was reported was created");
  }

  @Test
  void templatesPerUserAreBounded() {
    Api erin = server.user("erin", "serial");
    for (int i = 0; i < 2; i++) {
      erin.post("/api/templates", new JsonObject().put("name", "t" + i).put("job_type", "train").put("params", train()))
          .expect(200);
    }
    erin.post("/api/templates", new JsonObject().put("name", "t2").put("job_type", "train").put("params", train()))
        .problem(409);
    assertEquals(2, erin.get("/api/templates").expect(200).json().getJsonArray("items").size());
  }

  @Test
  void aModelPathInsideAnotherUsersJobIsRefusedLikeAMissingFile() throws Exception {
    String bobsJob = bob.post("/api/jobs/train", train()).expect(200).json().getJsonObject("job").getString("job_id");
    Path dir = server.dataDir().resolve("artifacts/jobs/" + bobsJob);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("model.json"), "{}");
    JsonObject predict = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
        .put("model_path", "jobs/" + bobsJob + "/model.json");
    JsonObject p = alice.post("/api/jobs/predict", predict).problem(400);
    assertEquals("model_path", p.getJsonArray("errors").getJsonObject(0).getString("field"));
    alice.post("/api/jobs/predict", predict.copy().put("model_path", dir.resolve("model.json").toString())).problem(400);
    bob.post("/api/jobs/predict", predict).expect(200); // his own
    server.admin().post("/api/jobs/predict", predict).expect(200); // an admin acts on all jobs
  }

  @Test
  void aHugeTailReadIsBoundedAndStillEndsWithTheLastLine() throws Exception {
    Api fay = server.user("fay", "serial");
    JsonObject job = fay.post("/api/jobs/train", train()).expect(200).json().getJsonObject("job");
    Path log = Path.of(job.getString("log_path"));
    Files.createDirectories(log.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(log)) {
      for (int i = 0; i < 100_000; i++) {
        w.write("line " + i + " " + "x".repeat(60) + "\n"); // ~7 MB
      }
    }
    String text = fay.get("/api/jobs/" + job.getString("job_id") + "/logs?tail=100000").expect(200).json().getString("logs");
    assertTrue(text.length() <= 256 * 1024, "answered " + text.length() + " chars");
    assertTrue(text.endsWith("line 99999 " + "x".repeat(60) + "\n"), "ends with the last line");
    assertTrue(text.length() > 200 * 1024, "still as much as the bound allows: " + text.length());
  }
}
