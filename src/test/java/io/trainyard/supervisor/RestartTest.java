package io.trainyard.supervisor;

import io.trainyard.testing.Api;
import io.trainyard.testing.ServerProcess;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server killed with SIGKILL loses no acknowledged job and settles the ones whose processes died. */
class RestartTest {

  @Test
  void afterSigkillQueuedJobsStillRunAndDeadRunningOnesReadCanceled(@TempDir Path tmp) throws Exception {
    Path script = Path.of("src/test/resources/jobs/sleep_job.sh").toAbsolutePath();
    Path config = tmp.resolve("application.yaml");
    Files.writeString(config, """
        auth: {pbkdf2_iterations: 1000}
        scheduler: {tick_ms: 500}
        supervisor: {cancel_grace_seconds: 2}
        jobs:
          types:
            train: {command: ["bash", "%s"]}
        """.formatted(script));
    Path data = tmp.resolve("data");
    Path out = tmp.resolve("server.out");
    ServerProcess first = ServerProcess.start(data, config, out);
    String a1;
    String a2;
    String a3;
    String b1;
    long a1Pid;
    long b1Pid;
    try {
      Api admin = new Api(first.baseUrl()).login("admin", TestServer.ADMIN_PASSWORD);
      admin.post("/api/users", new JsonObject().put("username", "sa").put("password", "sa-pass-1")).expect(200);
      admin.post("/api/users", new JsonObject().put("username", "pb").put("password", "pb-pass-1")
          .put("schedule_mode", "parallel")).expect(200);
      Api sa = new Api(first.baseUrl()).login("sa", "sa-pass-1");
      Api pb = new Api(first.baseUrl()).login("pb", "pb-pass-1");
      a1 = sa.train(new JsonObject().put("epochs", 600)).getString("job_id");
      a2 = sa.train(new JsonObject().put("epochs", 1)).getString("job_id");
      a3 = sa.train(new JsonObject().put("epochs", 1)).getString("job_id");
      b1 = pb.train(new JsonObject().put("epochs", 600)).getString("job_id");
      a1Pid = sa.awaitJob(a1, j -> j.getInteger("pid") != null, Duration.ofSeconds(30)).getInteger("pid");
      b1Pid = pb.awaitJob(b1, j -> j.getInteger("pid") != null, Duration.ofSeconds(30)).getInteger("pid");
      assertEquals("queued", sa.job(a2).getString("status"));
    } finally {
      first.kill();
    }
    // a1's process tree dies with the server; b1's survives it.
    new ProcessBuilder("kill", "-KILL", "--", "-" + a1Pid).start().waitFor();
    assertTrue(ProcessGroup.startTicks(b1Pid).isPresent(), "b1 outlived the server");

    ServerProcess second = ServerProcess.start(data, config, out);
    try {
      Api sa = new Api(second.baseUrl()).login("sa", "sa-pass-1");
      Api pb = new Api(second.baseUrl()).login("pb", "pb-pass-1");
      JsonObject dead = sa.job(a1);
      assertEquals("canceled", dead.getString("status"));
      assertTrue(dead.getString("error").contains("no longer exists"), dead.getString("error"));
      JsonObject orphan = pb.job(b1);
      assertEquals("canceled", orphan.getString("status"));
      assertFalse(ProcessGroup.startTicks(b1Pid).isPresent(), "the orphaned tree was stopped, not left running unsupervised");
      assertEquals("success", sa.awaitStatus(a2, "success").getString("status"));
      assertEquals("success", sa.awaitStatus(a3, "success").getString("status"));
    } finally {
      second.stop();
    }
  }
}
