package io.trainyard.supervisor;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.ServerProcess;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs outlive the server: a node killed with SIGKILL (no shutdown hook, its embedded PostgreSQL and
 * job processes orphaned) and started again loses no acknowledged job, runs none twice, re-adopts the
 * programs that still run and records their real exit codes, records a job that ended while no
 * server ran with the status its keeper wrote, and can still cancel a re-adopted tree whole.
 */
class RestartTest {
  private static final int RUNNING = 20;
  private static final int QUEUED = 100;

  static Path config(Path tmp, String script, int slots) throws Exception {
    Path config = tmp.resolve("application.yaml");
    Files.writeString(config, """
        auth: {pbkdf2_iterations: 1000}
        scheduler: {tick_ms: 500, parallel_limit: %d, node_capacity: %d}
        supervisor: {cancel_grace_seconds: 2, sweep_ms: 1000}
        jobs:
          types:
            train: {command: ["bash", "%s"]}
        """.formatted(slots, slots, Path.of("src/test/resources/jobs", script).toAbsolutePath()));
    return config;
  }

  @Test
  void afterSigkillWithTwentyRunningAndAHundredQueuedEveryJobEndsOnceWithItsRealOutcome(@TempDir Path tmp) throws Exception {
    Path config = config(tmp, "restart_job.sh", RUNNING);
    Path data = tmp.resolve("data");
    Path out = tmp.resolve("server.out");
    // epochs 10..99 wait for their `go` file and exit with epochs % 4; 12 ends (0) while no server runs;
    // 100 is a process tree canceled just after the restart; 4 is a queued job that exits 0 at once.
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, Path> dirs = new HashMap<>();
    List<String> queued = new ArrayList<>();
    String downJob;
    String tree;
    ServerProcess first = ServerProcess.start(data, config, out);
    Map<String, Integer> pids = new HashMap<>();
    try {
      Api admin = new Api(first.baseUrl()).login("admin", TestServer.ADMIN_PASSWORD);
      admin.post("/api/users", new JsonObject().put("username", "ru").put("password", "ru-pass-1")
          .put("schedule_mode", "parallel")).expect(200);
      Api u = new Api(first.baseUrl()).login("ru", "ru-pass-1");
      downJob = submit(u, 12, dirs);
      tree = submit(u, 100, dirs);
      for (int i = 0; waiting.size() < RUNNING - 2; i++) {
        int epochs = 13 + i; // exit codes 1, 2, 3, 0, ...
        waiting.put(submit(u, epochs, dirs), epochs % 4);
      }
      List<String> all = new ArrayList<>(waiting.keySet());
      all.add(downJob);
      all.add(tree);
      for (String id : all) {
        pids.put(id, u.awaitJob(id, j -> j.getInteger("pid") != null, Duration.ofSeconds(60)).getInteger("pid"));
      }
      for (int i = 0; i < QUEUED; i++) {
        queued.add(submit(u, 4, dirs));
      }
      assertEquals(QUEUED, u.get("/api/jobs/counts").expect(200).json().getInteger("queued"), "every slot is taken");
    } catch (RuntimeException | Error e) {
      first.kill();
      release(dirs.values());
      throw e;
    } finally {
      first.kill();
    }
    long treeLeader = CancelTest.pidFile(dirs.get(tree), "leader.pid");
    long treeChild = CancelTest.pidFile(dirs.get(tree), "child.pid");
    long treeGrandchild = CancelTest.pidFile(dirs.get(tree), "grandchild.pid");
    // One job ends while no server runs: its keeper records the status.
    Files.createFile(dirs.get(downJob).resolve("go"));
    Await.until("the keeper of " + downJob + " to record its exit", Duration.ofSeconds(30),
        () -> Files.exists(dirs.get(downJob).resolve(Keeper.STATUS_FILE)));
    for (String id : waiting.keySet()) {
      assertTrue(ProcessGroup.startTicks(pids.get(id)).isPresent(), "job " + id + " outlived the server");
    }

    ServerProcess second = ServerProcess.start(data, config, out);
    try {
      Api u = new Api(second.baseUrl()).login("ru", "ru-pass-1");
      // A cancel issued just after the restart still stops the whole tree.
      u.post("/api/jobs/" + tree + "/cancel", null).expect(200);
      JsonObject canceled = u.awaitStatus(tree, "canceled");
      assertEquals(143, canceled.getInteger("exit_code"), "the tree's leader ended on SIGTERM");
      for (long pid : new long[] {treeLeader, treeChild, treeGrandchild}) {
        assertFalse(CancelTest.alive(pid), "process " + pid + " of the canceled tree is gone");
      }

      JsonObject ended = u.job(downJob);
      assertEquals("success", ended.getString("status"), ended.encodePrettily());
      assertEquals(0, ended.getInteger("exit_code"));
      String model = ended.getString("model_id");
      assertNotNull(model, "the success registered its model");
      JsonArray models = u.get("/api/models?limit=200").expect(200).json().getJsonArray("items");
      assertTrue(models.stream().map(m -> ((JsonObject) m).getString("model_id")).anyMatch(model::equals), models.encode());

      for (String id : waiting.keySet()) {
        JsonObject j = u.job(id);
        assertEquals("running", j.getString("status"), "re-adopted, not settled: " + j.encode());
        assertEquals(pids.get(id), j.getInteger("pid"), "the same process");
        Files.createFile(dirs.get(id).resolve("go"));
      }
      for (Map.Entry<String, Integer> e : waiting.entrySet()) {
        JsonObject j = u.awaitJob(e.getKey(), r -> !"running".equals(r.getString("status")), Duration.ofSeconds(60));
        assertEquals(e.getValue(), j.getInteger("exit_code"), "the real exit code of " + j.encode());
        assertEquals(e.getValue() == 0 ? "success" : "failed", j.getString("status"));
      }
      for (String id : queued) {
        assertEquals("success", u.awaitStatus(id, "success").getString("status"));
      }
      JsonObject counts = u.get("/api/jobs/counts").expect(200).json();
      assertEquals(RUNNING + QUEUED, counts.getInteger("total"), "no acknowledged job lost: " + counts.encode());
      Set<String> twice = new HashSet<>();
      for (Map.Entry<String, Path> e : dirs.entrySet()) {
        List<String> starts = Files.readAllLines(e.getValue().resolve("starts"));
        if (starts.size() != 1) {
          twice.add(e.getKey() + " " + starts);
        }
      }
      assertEquals(Set.of(), twice, "jobs started more than once");
    } finally {
      second.stop();
      release(dirs.values());
    }
  }

  /**
   * Lets every job of the test end, also when it failed half-way: jobs outlive servers by design, so
   * a test that stops its server must not leave their programs waiting for a `go` that never comes.
   */
  static void release(java.util.Collection<Path> dirs) {
    for (Path dir : dirs) {
      try {
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve("go"))) {
          Files.createFile(dir.resolve("go"));
        }
        if (Files.exists(dir.resolve("leader.pid"))) {
          long leader = Long.parseLong(Files.readString(dir.resolve("leader.pid")).trim());
          if (!ProcessGroup.isEmpty(leader)) {
            ProcessGroup.signal(leader, "KILL");
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        System.out.println("could not release the job in " + dir + ": " + e);
      }
    }
  }

  private static String submit(Api u, int epochs, Map<String, Path> dirs) {
    JsonObject job = u.train(new JsonObject().put("epochs", epochs));
    dirs.put(job.getString("job_id"), Path.of(job.getString("artifacts_dir")));
    return job.getString("job_id");
  }
}
