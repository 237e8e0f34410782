package io.trainyard.supervisor;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL stopped (connections refused) and started again: requests meanwhile are 503 with
 * Retry-After, exits meanwhile are retried until it is back and then recorded with their real codes,
 * progress reported meanwhile is written once it is back, and the pool reconnects by itself.
 */
class DatabaseStopTest {

  private static Double storedProgress(TestServer server, String id) throws Exception {
    try (Connection c = server.sql(); java.sql.PreparedStatement ps = c.prepareStatement("SELECT progress FROM jobs WHERE job_id = ?")) {
      ps.setString(1, id);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        double v = rs.getDouble(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  @Test
  void exitsWhilePostgresIsStoppedAreRecordedWhenItIsBackAndTheApiAnswers503Meanwhile(@TempDir Path tmp) throws Exception {
    Path pgData = tmp.resolve("pg");
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start();
    int port = pg.getPort();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE stoptest");
    }
    String url = "postgresql://postgres@127.0.0.1:" + port + "/stoptest";
    Map<String, Path> dirs = new HashMap<>();
    java.util.List<Path> release = new java.util.ArrayList<>();
    try (TestServer server = TestServer.start(url, c -> {
      TestServer.script(c, "train", "restart_job.sh");
      AppConfig.put(c, "supervisor.sweep_ms", 500);
      AppConfig.put(c, "scheduler.parallel_limit", 8);
      // Progress is written as soon as it is read, so the write of the line below meets the outage.
      AppConfig.put(c, "logs.progress_persist_ms", 50);
    })) {
      Api u = server.user("stop", "parallel");
      Map<String, Integer> exits = new HashMap<>();
      for (int epochs : new int[] {12, 13, 15}) {
        JsonObject job = u.train(new JsonObject().put("epochs", epochs));
        exits.put(job.getString("job_id"), epochs % 4);
        dirs.put(job.getString("job_id"), Path.of(job.getString("artifacts_dir")));
        u.awaitJob(job.getString("job_id"), j -> j.getInteger("pid") != null, Duration.ofSeconds(30));
      }

      // A job that goes on running through the outage, and reports progress during it.
      JsonObject steady = u.train(new JsonObject().put("epochs", 14));
      String steadyId = steady.getString("job_id");
      Path steadyDir = Path.of(steady.getString("artifacts_dir"));
      release.add(steadyDir);
      u.awaitJob(steadyId, j -> Double.valueOf(50.0).equals(j.getDouble("progress")), Duration.ofSeconds(30));

      pg.close();
      for (Path dir : dirs.values()) {
        Files.createFile(dir.resolve("go"));
      }
      // The follower publishes the new progress in the round that also tries to write it: once the event
      // is out, a write has been tried (and refused) while PostgreSQL is down.
      java.util.concurrent.atomic.AtomicBoolean announced = new java.util.concurrent.atomic.AtomicBoolean();
      server.vertx().eventBus().<JsonObject>consumer(io.trainyard.jobs.JobEvents.USER_PREFIX + u.userId(), m -> {
        if ("job_progress".equals(m.body().getString("type")) && steadyId.equals(m.body().getString("job_id"))
            && Double.valueOf(75.0).equals(m.body().getDouble("progress"))) {
          announced.set(true);
        }
      }).completion().await();
      Files.writeString(steadyDir.resolve("say.tmp"), "step 3/4 reported while PostgreSQL is down\n");
      Files.move(steadyDir.resolve("say.tmp"), steadyDir.resolve("say"));
      Await.until("the progress reported during the outage published", Duration.ofSeconds(15), announced::get);
      for (Path dir : dirs.values()) {
        Await.until("a recorded exit in " + dir, Duration.ofSeconds(15), () -> Files.exists(dir.resolve(Keeper.STATUS_FILE)));
      }
      Api.Res during = Await.until("a 503 while PostgreSQL is stopped", Duration.ofSeconds(15),
          () -> u.get("/api/jobs/counts"), r -> r.status() == 503);
      assertTrue(during.header("Retry-After") != null, "Retry-After on a 503");
      assertEquals(503, during.problem(503).getInteger("status"));

      pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(port).start();
      for (Map.Entry<String, Integer> e : exits.entrySet()) {
        JsonObject j = Await.until("job " + e.getKey() + " recorded", Duration.ofSeconds(60), () -> u.get("/api/jobs/" + e.getKey()),
            r -> r.status() == 200 && !"running".equals(r.json().getJsonObject("job").getString("status"))).json().getJsonObject("job");
        assertEquals(e.getValue(), j.getInteger("exit_code"), j.encode());
        assertEquals(e.getValue() == 0 ? "success" : "failed", j.getString("status"), j.encode());
      }
      // Read from PostgreSQL itself: the stored progress, not what a GET might compute.
      Await.until("the progress reported during the outage stored", Duration.ofSeconds(30), () -> storedProgress(server, steadyId),
          p -> p != null && p == 75.0);
      Files.createFile(steadyDir.resolve("go"));
      u.awaitStatus(steadyId, "failed"); // epochs 14: exit code 2
      JsonObject after = u.train(new JsonObject().put("epochs", 4));
      assertEquals("success", u.awaitStatus(after.getString("job_id"), "success").getString("status"), "the pool reconnected");
    } finally {
      release.addAll(dirs.values());
      RestartTest.release(release);
      pg.close();
    }
  }
}
