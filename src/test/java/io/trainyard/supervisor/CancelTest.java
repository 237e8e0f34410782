package io.trainyard.supervisor;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancel reaches the whole process tree; the slot frees only when the tree is gone. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelTest {
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(c -> {
      TestServer.script(c, "train", "tree.sh");
      TestServer.script(c, "predict", "stubborn.sh");
      c.getJsonObject("supervisor").put("cancel_grace_seconds", 2);
    });
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static long pidFile(Path dir, String name) {
    Path f = dir.resolve(name);
    String pid = Await.until("a pid in " + f, Duration.ofSeconds(20), () -> Files.exists(f) ? Files.readString(f).trim() : "",
        s -> !s.isEmpty());
    return Long.parseLong(pid);
  }

  /** Alive and not a zombie: an exited orphan stays a zombie where PID 1 does not reap, yet it is gone. */
  static boolean alive(long pid) {
    return ProcessGroup.startTicks(pid).isPresent();
  }

  @Test
  void cancelStopsChildAndGrandchildAndFreesTheSlotOnlyThen() throws Exception {
    Api u = server.user("tree", "serial");
    JsonObject job = u.train(new JsonObject());
    JsonObject next = u.train(new JsonObject());
    Path dir = Path.of(job.getString("artifacts_dir"));
    long leader = pidFile(dir, "leader.pid");
    long child = pidFile(dir, "child.pid");
    long grandchild = pidFile(dir, "grandchild.pid");
    assertTrue(alive(leader) && alive(child) && alive(grandchild));
    assertEquals(leader, (long) u.awaitJob(job.getString("job_id"), j -> j.getInteger("pid") != null, Duration.ofSeconds(10))
        .getInteger("pid"));

    JsonObject answer = u.post("/api/jobs/" + job.getString("job_id") + "/cancel", null).expect(200).json().getJsonObject("job");
    assertTrue(answer.getBoolean("cancel_requested"));
    JsonObject canceled = u.awaitStatus(job.getString("job_id"), "canceled");
    assertFalse(alive(leader), "leader gone");
    assertFalse(alive(child), "child gone");
    assertFalse(alive(grandchild), "grandchild gone");

    JsonObject started = u.awaitJob(next.getString("job_id"), j -> j.getString("started_at") != null, Duration.ofSeconds(10));
    assertFalse(Instant.parse(started.getString("started_at")).isBefore(Instant.parse(canceled.getString("finished_at"))),
        "the serial slot was held until the canceled tree had exited");
    u.post("/api/jobs/" + next.getString("job_id") + "/cancel", null).expect(200);
    u.awaitStatus(next.getString("job_id"), "canceled");
  }

  @Test
  void aProgramThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    Api u = server.user("stubborn", "serial");
    String modelFile = trainModelFile();
    JsonObject job = u.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
        .put("output_dim", 4).put("model_path", modelFile)).expect(200).json().getJsonObject("job");
    String id = job.getString("job_id");
    long leader = pidFile(Path.of(job.getString("artifacts_dir")), "leader.pid");
    u.awaitLog(id, "ignoring TERM", Duration.ofSeconds(20)); // printed once its trap is installed
    long t0 = System.nanoTime();
    u.post("/api/jobs/" + id + "/cancel", null).expect(200);
    u.awaitLog(id, "got TERM", Duration.ofSeconds(20)); // SIGTERM arrived, and the program carried on
    JsonObject during = u.job(id);
    assertEquals("running", during.getString("status"), "still inside the grace: SIGTERM was ignored");
    assertTrue(during.getBoolean("cancel_requested"));
    assertTrue(alive(leader));
    u.awaitStatus(id, "canceled");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 1900, "killed only after the 2 s grace, took " + ms + " ms");
    assertFalse(alive(leader));
  }

  @Test
  void aRunningJobWhosePidNowBelongsToAnUnrelatedProcessIsSettledAndThatProcessIsLeftAlone() throws Exception {
    Api u = server.user("reuse", "serial");
    JsonObject job = u.post("/api/jobs/flush", null).expect(200).json(); // nothing; just a signed-in user
    assertEquals(0, job.getInteger("deleted_jobs"));
    Process unrelated = new ProcessBuilder("sleep", "60").start();
    try {
      String id = "job_reuse_" + System.nanoTime();
      try (var c = server.sql(); PreparedStatement ps = c.prepareStatement("""
          INSERT INTO jobs(job_id, job_type, status, owner_user_id, params, node_id, pid, pid_start, started_at, log_path, artifacts_dir)
          VALUES (?, 'train', 'running', ?, '{}', ?, ?, 1, now() - interval '1 hour', '/nonexistent', '/nonexistent')""")) {
        ps.setString(1, id);
        ps.setLong(2, u.userId());
        ps.setString(3, server.nodeId());
        ps.setInt(4, (int) unrelated.pid()); // a live pid, but not the process that started at tick 1
        ps.executeUpdate();
      }
      JsonObject settled = u.job(id);
      assertEquals("canceled", settled.getString("status"));
      assertTrue(settled.getString("error").contains("no longer exists"), settled.getString("error"));
      assertTrue(unrelated.isAlive(), "the unrelated process was not signaled");
    } finally {
      unrelated.destroyForcibly();
    }
  }

  @Test
  void theBackgroundSweepSettlesUnsupervisedJobsWithoutAnyoneOpeningThem() throws Exception {
    try (TestServer swept = TestServer.start(c -> io.trainyard.app.AppConfig.put(c, "supervisor.sweep_ms", 100))) {
      Api u = swept.user("swept", "serial");
      String gone = "job_gone_" + System.nanoTime();
      String neverSpawned = "job_unspawned_" + System.nanoTime();
      String fresh = "job_fresh_" + System.nanoTime();
      try (var c = swept.sql(); PreparedStatement ps = c.prepareStatement("""
          INSERT INTO jobs(job_id, job_type, status, owner_user_id, params, node_id, pid, pid_start, started_at)
          VALUES (?, 'train', 'running', ?, '{}', ?, ?, 5, now() - ?::interval)""")) {
        Object[][] rows = {{gone, 999999, "1 hour"}, {neverSpawned, null, "2 minutes"}, {fresh, null, "1 second"}};
        for (Object[] r : rows) {
          ps.setString(1, (String) r[0]);
          ps.setLong(2, u.userId());
          ps.setString(3, swept.nodeId());
          ps.setObject(4, r[1]);
          ps.setString(5, (String) r[2]);
          ps.executeUpdate();
        }
      }
      // Read straight from PostgreSQL: a GET would settle the job itself.
      io.trainyard.testing.Await.until("both unsupervised jobs settled", java.time.Duration.ofSeconds(10),
          () -> status(swept, gone) + "/" + status(swept, neverSpawned), s -> s.equals("canceled/canceled"));
      assertEquals("running", status(swept, fresh), "a job claimed a moment ago is left to its start message");
    }
  }

  private static String status(TestServer s, String id) throws Exception {
    try (var c = s.sql(); PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE job_id = ?")) {
      ps.setString(1, id);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @Test
  void cancelOfAStaleRunningJobSettlesItAtOnce() throws Exception {
    Api u = server.user("stale", "serial");
    String id = "job_stale_" + System.nanoTime();
    try (var c = server.sql(); PreparedStatement ps = c.prepareStatement("""
        INSERT INTO jobs(job_id, job_type, status, owner_user_id, params, node_id, pid, pid_start, started_at)
        VALUES (?, 'train', 'running', ?, '{}', ?, 999999, 5, now() - interval '1 hour')""")) {
      ps.setString(1, id);
      ps.setLong(2, u.userId());
      ps.setString(3, server.nodeId());
      ps.executeUpdate();
    }
    JsonObject answer = u.post("/api/jobs/" + id + "/cancel", null).expect(200).json().getJsonObject("job");
    assertEquals("canceled", answer.getString("status"));
  }

  @Test
  void aJobWhoseOutputsCannotBeRecordedStillEndsAndFreesItsSlot() throws Exception {
    try (TestServer bad = TestServer.start(c -> TestServer.script(c, "predict", "bad_metrics.sh"))) {
      Api u = bad.user("badout", "serial");
      Path f = bad.dataDir().resolve("artifacts/fixtures/model.json");
      Files.createDirectories(f.getParent());
      Files.writeString(f, "{}");
      JsonObject body = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
          .put("model_path", "fixtures/model.json");
      JsonObject first = u.post("/api/jobs/predict", body).expect(200).json().getJsonObject("job");
      JsonObject second = u.post("/api/jobs/predict", body).expect(200).json().getJsonObject("job");
      JsonObject failed = u.awaitStatus(first.getString("job_id"), "failed");
      assertTrue(failed.getString("error").startsWith("could not record the outcome"), failed.getString("error"));
      assertEquals(0, failed.getInteger("exit_code"));
      assertEquals("failed", u.awaitStatus(second.getString("job_id"), "failed").getString("status"), "the slot was freed");
    }
  }

  /** A model file inside the artifacts dir for the predict route's model_path check. */
  private String trainModelFile() throws Exception {
    Path f = server.dataDir().resolve("artifacts/fixtures/model.json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "{}");
    return "fixtures/model.json";
  }
}
