package io.trainyard.jobs;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs that say what they need, on a node with an inventory of four GPU ids (no real GPU needed):
 * GPU placement and CUDA_VISIBLE_DEVICES, requests no node can satisfy, time limits and retries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutionTest {
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(c -> {
      TestServer.script(c, "train", "needs.sh");
      c.put("node", new JsonObject().put("gpus", new JsonArray().add("0").add("1").add("2").add("3")));
    });
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static JsonObject gpus(int n, int seconds) {
    return new JsonObject().put("epochs", seconds).put("resources", new JsonObject().put("gpus", n));
  }

  private static String devices(Api u, String jobId) {
    String line = u.awaitLog(jobId, "CUDA_VISIBLE_DEVICES=", Duration.ofSeconds(20)).lines()
        .filter(l -> l.startsWith("CUDA_VISIBLE_DEVICES=")).findFirst().orElseThrow();
    return line.substring("CUDA_VISIBLE_DEVICES=".length());
  }

  @Test
  void twoTwoGpuJobsShareFourGpusAThirdWaitsSayingWhyAndTakesTheGpusOfTheOneThatEnds() {
    Api u = server.user("gpu-user", "parallel");
    String a = u.awaitStatus(u.train(gpus(2, 120)).getString("job_id"), "running").getString("job_id");
    String b = u.awaitStatus(u.train(gpus(2, 120)).getString("job_id"), "running").getString("job_id");
    String c = u.train(gpus(2, 120)).getString("job_id");
    JsonObject waiting = u.awaitJob(c, j -> "waiting for 2 GPUs: 0 of 4 free".equals(j.getString("waiting_reason")),
        Duration.ofSeconds(20));
    assertEquals("queued", waiting.getString("status"));
    assertEquals(new JsonObject().put("gpus", 2), waiting.getJsonObject("resources"));

    List<String> aGpus = ids(u.job(a).getJsonArray("assigned_gpus"));
    List<String> bGpus = ids(u.job(b).getJsonArray("assigned_gpus"));
    assertEquals(2, aGpus.size());
    assertEquals(2, bGpus.size());
    Set<String> all = new HashSet<>(aGpus);
    all.addAll(bGpus);
    assertEquals(Set.of("0", "1", "2", "3"), all, "no GPU given twice");
    assertEquals(String.join(",", aGpus), devices(u, a), "the program sees exactly its own devices");
    assertEquals(String.join(",", bGpus), devices(u, b));

    u.post("/api/jobs/" + a + "/cancel", null).expect(200);
    u.awaitStatus(a, "canceled");
    JsonObject third = u.awaitStatus(c, "running");
    assertEquals(Set.copyOf(aGpus), Set.copyOf(ids(third.getJsonArray("assigned_gpus"))), "the freed GPUs, once the group exited");
    assertEquals(String.join(",", ids(third.getJsonArray("assigned_gpus"))), devices(u, c));
    u.post("/api/jobs/" + b + "/cancel", null).expect(200);
    u.post("/api/jobs/" + c + "/cancel", null).expect(200);
    u.awaitStatus(b, "canceled");
    u.awaitStatus(c, "canceled");
  }

  @Test
  void aJobWithoutGpusSeesAnEmptyDeviceList() {
    Api u = server.user("cpu-user", "serial");
    String id = u.train(new JsonObject().put("epochs", 1)).getString("job_id");
    assertEquals("", devices(u, id));
    u.awaitStatus(id, "success");
  }

  @Test
  void requestsNoNodeCanSatisfyAndMalformedOnesAre400sNamingTheField() {
    Api u = server.user("greedy-user", "serial");
    long before = u.get("/api/jobs/counts").json().getLong("total");
    assertEquals("resources.gpus", field(u, new JsonObject().put("resources", new JsonObject().put("gpus", 5))));
    assertEquals("resources.gpus", field(u, new JsonObject().put("resources", new JsonObject().put("gpus", -1))));
    assertEquals("resources.cpus", field(u, new JsonObject().put("resources", new JsonObject().put("cpus", 0))));
    assertEquals("resources.cpus", field(u, new JsonObject().put("resources", new JsonObject().put("cpus", 1_000_000))));
    assertEquals("resources.tpus", field(u, new JsonObject().put("resources", new JsonObject().put("tpus", 1))));
    assertEquals("resources", field(u, new JsonObject().put("resources", "lots")));
    assertEquals("timeout_seconds", field(u, new JsonObject().put("timeout_seconds", 0)));
    assertEquals("timeout_seconds", field(u, new JsonObject().put("timeout_seconds", 1.5)));
    assertEquals("max_retries", field(u, new JsonObject().put("max_retries", 11)));
    assertEquals("retry_backoff_seconds", field(u, new JsonObject().put("retry_backoff_seconds", -1)));
    assertEquals(before, u.get("/api/jobs/counts").json().getLong("total"), "nothing was created");
  }

  private static String field(Api u, JsonObject overrides) {
    JsonObject body = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
        .mergeIn(overrides);
    return u.post("/api/jobs/train", body).problem(400).getJsonArray("errors").getJsonObject(0).getString("field");
  }

  @Test
  void aJobStillRunningAtItsTimeLimitIsStoppedAndFailsSayingSo() {
    Api u = server.user("slow-user", "serial");
    JsonObject job = u.train(new JsonObject().put("epochs", 120).put("timeout_seconds", 1));
    assertEquals(1, job.getInteger("timeout_seconds"));
    JsonObject done = u.awaitJob(job.getString("job_id"), j -> "failed".equals(j.getString("status")), Duration.ofSeconds(30));
    assertEquals("time limit of 1 s reached", done.getString("error"));
    assertEquals(0, done.getInteger("max_retries"));
    JsonArray history = u.get("/api/jobs/" + job.getString("job_id") + "/events").expect(200).json().getJsonArray("items");
    assertTrue(history.stream().map(JsonObject.class::cast).anyMatch(e -> "running".equals(e.getString("to"))
        && "running".equals(e.getString("from")) && "time limit of 1 s reached".equals(e.getString("reason"))
        && "scheduler".equals(e.getString("by"))), "the stop request is the scheduler's, saying why: " + history.encode());
  }

  @Test
  void aJobFailingTwiceThenSucceedingEndsSuccessAtItsThirdAttemptWithEveryAttemptRecorded() {
    Api u = server.user("flaky-user", "serial");
    String id = u.train(new JsonObject().put("batch_size", 1).put("max_retries", 2).put("retry_backoff_seconds", 0))
        .getString("job_id");
    JsonObject done = u.awaitJob(id, j -> !"queued".equals(j.getString("status")) && !"running".equals(j.getString("status")),
        Duration.ofSeconds(60));
    assertEquals("success", done.getString("status"), done.encodePrettily());
    assertEquals(3, done.getInteger("attempt"));
    JsonArray attempts = done.getJsonArray("attempts");
    assertEquals(3, attempts.size(), attempts.encode());
    assertEquals(3, attempts.getJsonObject(0).getInteger("exit_code"));
    assertEquals(3, attempts.getJsonObject(1).getInteger("exit_code"));
    assertEquals(0, attempts.getJsonObject(2).getInteger("exit_code"));
    assertEquals(List.of(1, 2, 3), attempts.stream().map(a -> ((JsonObject) a).getInteger("attempt")).toList());
    String log = u.log(id);
    assertTrue(log.contains("flaky failure on attempt 1"), "each attempt's log is kept");
    assertTrue(log.contains("===== attempt 2 of 3 ====="), log);
    assertTrue(log.contains("===== attempt 3 of 3 ====="), log);
    assertNull(done.getString("error"));
    JsonArray history = u.get("/api/jobs/" + id + "/events").expect(200).json().getJsonArray("items");
    List<String> retries = history.stream().map(JsonObject.class::cast)
        .filter(e -> "running".equals(e.getString("from")) && "queued".equals(e.getString("to")))
        .map(e -> e.getString("reason")).toList();
    assertEquals(2, retries.size(), history.encode());
    assertTrue(retries.get(0).startsWith("retry 2 of 3 after: "), retries.get(0));
    assertTrue(retries.get(1).startsWith("retry 3 of 3 after: "), retries.get(1));
  }

  @Test
  void retriesExhaustedEndFailed() {
    Api u = server.user("unlucky-user", "serial");
    String id = u.train(new JsonObject().put("batch_size", 1).put("max_retries", 1).put("retry_backoff_seconds", 0))
        .getString("job_id");
    JsonObject done = u.awaitJob(id, j -> "failed".equals(j.getString("status")), Duration.ofSeconds(60));
    assertEquals(2, done.getInteger("attempt"));
    assertEquals(2, done.getJsonArray("attempts").size());
    assertEquals(3, done.getInteger("exit_code"));
  }

  @Test
  void aCancelDuringTheBackoffEndsCanceledWithoutAnotherAttempt() {
    Api u = server.user("patient-user", "serial");
    String id = u.train(new JsonObject().put("batch_size", 1).put("max_retries", 3).put("retry_backoff_seconds", 60))
        .getString("job_id");
    JsonObject backingOff = u.awaitJob(id, j -> "queued".equals(j.getString("status")) && j.getInteger("attempt") == 2,
        Duration.ofSeconds(30));
    assertTrue(backingOff.getString("waiting_reason").matches("retry 2 of 4 in \\d+ s"), backingOff.getString("waiting_reason"));
    assertEquals(1, backingOff.getJsonArray("attempts").size());
    assertEquals(server.nodeId(), backingOff.getString("node_id"),
        "while it waits, the job still names the node that holds its last attempt's log and files");
    assertTrue(u.log(id).contains("flaky failure on attempt 1"), "and that log reads through it");
    u.post("/api/jobs/" + id + "/cancel", null).expect(200);
    JsonObject canceled = u.awaitStatus(id, "canceled");
    assertEquals(1, canceled.getJsonArray("attempts").size(), "no other attempt ran");
    assertFalse(u.log(id).contains("===== attempt 2"), "no second attempt was launched");
  }

  private static List<String> ids(JsonArray a) {
    return a.stream().map(String::valueOf).toList();
  }
}
