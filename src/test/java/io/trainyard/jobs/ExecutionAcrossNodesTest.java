package io.trainyard.jobs;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.SharedPostgres;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resources and attempts are the database's, not one node's memory: two nodes on one PostgreSQL each
 * place jobs on their own GPUs, and a job between attempts carries on after a restart of its node.
 */
class ExecutionAcrossNodesTest {

  private static Consumer<JsonObject> node(String id, String... gpus) {
    return c -> {
      TestServer.script(c, "train", "needs.sh");
      AppConfig.put(c, "node_id", id);
      c.put("node", new JsonObject().put("gpus", new JsonArray(java.util.List.of((Object[]) gpus))));
    };
  }

  @Test
  void twoNodesEachGiveTheirOwnGpusAndAThirdJobWaitsForEither() {
    String db = SharedPostgres.newDatabase();
    try (TestServer a = TestServer.start(db, node("gpu-node-a", "0", "1"));
         TestServer b = TestServer.start(db, node("gpu-node-b", "0", "1"))) {
      a.user("duo", "parallel");
      Api viaA = a.api().login("duo", "duo-pass-1");
      JsonObject two = new JsonObject().put("epochs", 120).put("resources", new JsonObject().put("gpus", 2));
      JsonObject first = viaA.awaitStatus(viaA.train(two).getString("job_id"), "running");
      JsonObject second = viaA.awaitJob(viaA.train(two).getString("job_id"), j -> "running".equals(j.getString("status")),
          Duration.ofSeconds(30));
      assertNotEquals(first.getString("node_id"), second.getString("node_id"), "the second fits only on the other node");
      assertEquals(new JsonArray().add("0").add("1"), first.getJsonArray("assigned_gpus"));
      assertEquals(new JsonArray().add("0").add("1"), second.getJsonArray("assigned_gpus"), "device ids are per node");

      String third = viaA.train(two).getString("job_id");
      JsonObject waiting = viaA.awaitJob(third, j -> j.getString("waiting_reason") != null
          && j.getString("waiting_reason").startsWith("waiting for 2 GPUs"), Duration.ofSeconds(20));
      assertEquals("queued", waiting.getString("status"));
      viaA.post("/api/jobs/" + second.getString("job_id") + "/cancel", null).expect(200);
      JsonObject started = viaA.awaitStatus(third, "running");
      assertEquals(second.getString("node_id"), started.getString("node_id"), "where the GPUs came free");
      for (String id : new String[] {first.getString("job_id"), third}) {
        viaA.post("/api/jobs/" + id + "/cancel", null).expect(200);
        viaA.awaitStatus(id, "canceled");
      }
    }
  }

  @Test
  void aNodeWithoutGpusTakesAGpuJobThatAnotherNodeCanRunAndRefusesOneNoNodeCan() {
    String db = SharedPostgres.newDatabase();
    try (TestServer big = TestServer.start(db, node("gpu-node", "0", "1"));
         TestServer small = TestServer.start(db, node("cpu-node"))) {
      small.user("routed", "parallel");
      Api viaSmall = small.api().login("routed", "routed-pass-1");
      JsonObject two = new JsonObject().put("epochs", 120).put("resources", new JsonObject().put("gpus", 2));
      JsonObject running = viaSmall.awaitJob(viaSmall.train(two).getString("job_id"),
          j -> "running".equals(j.getString("status")), Duration.ofSeconds(30));
      assertEquals(big.nodeId(), running.getString("node_id"), "only the GPU node can start it");
      JsonObject problem = viaSmall.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
          .put("output_dim", 4).put("resources", new JsonObject().put("gpus", 3))).problem(400);
      assertEquals("resources.gpus", problem.getJsonArray("errors").getJsonObject(0).getString("field"));
      assertTrue(problem.getString("detail").contains("no node has more than 2"), problem.getString("detail"));
      viaSmall.post("/api/jobs/" + running.getString("job_id") + "/cancel", null).expect(200);
      viaSmall.awaitStatus(running.getString("job_id"), "canceled");
    }
  }

  @Test
  void aRunningJobKeepsItsGpusAcrossARestartOfItsNode() {
    String db = SharedPostgres.newDatabase();
    String holder;
    java.nio.file.Path dataDir;
    JsonObject two = new JsonObject().put("epochs", 120).put("resources", new JsonObject().put("gpus", 2));
    try (TestServer first = TestServer.start(db, node("gpu-restart", "0", "1"))) {
      first.user("holder", "parallel");
      Api u = first.api().login("holder", "holder-pass-1");
      holder = u.awaitStatus(u.train(two).getString("job_id"), "running").getString("job_id");
      dataDir = first.dataDir();
    }
    java.nio.file.Path keep = dataDir;
    try (TestServer again = TestServer.start(db, node("gpu-restart", "0", "1")
        .andThen(c -> AppConfig.put(c, "data_dir", keep.toString())))) {
      Api u = again.api().login("holder", "holder-pass-1");
      JsonObject readopted = u.job(holder);
      assertEquals("running", readopted.getString("status"), "re-adopted, not settled");
      assertEquals(new JsonArray().add("0").add("1"), readopted.getJsonArray("assigned_gpus"));
      String next = u.train(two).getString("job_id");
      u.awaitJob(next, j -> "waiting for 2 GPUs: 0 of 2 free".equals(j.getString("waiting_reason")), Duration.ofSeconds(20));
      u.post("/api/jobs/" + holder + "/cancel", null).expect(200);
      u.awaitStatus(holder, "canceled");
      assertEquals(new JsonArray().add("0").add("1"), u.awaitStatus(next, "running").getJsonArray("assigned_gpus"));
      u.post("/api/jobs/" + next + "/cancel", null).expect(200);
      u.awaitStatus(next, "canceled");
    }
  }

  @Test
  void aJobBetweenAttemptsCarriesOnAfterARestartOfItsNode() {
    String db = SharedPostgres.newDatabase();
    String id;
    java.nio.file.Path dataDir;
    try (TestServer first = TestServer.start(db, node("restarted-node"))) {
      first.user("phoenix", "serial");
      Api u = first.api().login("phoenix", "phoenix-pass-1");
      id = u.train(new JsonObject().put("batch_size", 1).put("max_retries", 2).put("retry_backoff_seconds", 3))
          .getString("job_id");
      JsonObject between = u.awaitJob(id, j -> j.getInteger("attempt") == 2 && "queued".equals(j.getString("status")),
          Duration.ofSeconds(30));
      assertEquals(1, between.getJsonArray("attempts").size());
      dataDir = first.dataDir();
    }
    java.nio.file.Path keep = dataDir;
    try (TestServer again = TestServer.start(db, node("restarted-node").andThen(c -> AppConfig.put(c, "data_dir", keep.toString())))) {
      Api u = again.api().login("phoenix", "phoenix-pass-1");
      JsonObject done = u.awaitJob(id, j -> "success".equals(j.getString("status")) || "failed".equals(j.getString("status")),
          Duration.ofSeconds(60));
      assertEquals("success", done.getString("status"), done.encodePrettily());
      assertEquals(3, done.getInteger("attempt"));
      assertEquals(3, done.getJsonArray("attempts").size());
      assertTrue(u.log(id).contains("===== attempt 3 of 3 ====="));
    }
  }
}
