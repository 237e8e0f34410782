package io.trainyard.scheduler;

import io.trainyard.testing.Api;
import io.trainyard.testing.Intervals;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-user limits, priorities and node capacity with real processes that take a while. */
class SchedulingTest {

  static List<JsonObject> submit(Api api, int n, JsonObject extra) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(api.train(extra.copy()));
    }
    return out;
  }

  static List<JsonObject> awaitAll(Api api, List<JsonObject> jobs) {
    List<JsonObject> done = new ArrayList<>();
    for (JsonObject j : jobs) {
      done.add(api.awaitStatus(j.getString("job_id"), "success"));
    }
    return done;
  }

  @Test
  void serialUsersRunOneParallelUsersThreeAndNeitherWaitsForTheOther() {
    try (TestServer server = TestServer.start(c -> TestServer.script(c, "train", "sleep_job.sh"))) {
      Api serial = server.user("s1", "serial");
      Api parallel = server.user("p1", "parallel");
      Api other = server.user("s2", "serial");
      List<JsonObject> s = submit(serial, 3, new JsonObject());
      List<JsonObject> p = submit(parallel, 5, new JsonObject());
      JsonObject o = other.train(new JsonObject());
      List<JsonObject> sDone = awaitAll(serial, s);
      List<JsonObject> pDone = awaitAll(parallel, p);
      JsonObject oDone = other.awaitStatus(o.getString("job_id"), "success");

      assertEquals(1, Intervals.maxOverlap(sDone), "a serial user never has 2 running");
      assertEquals(3, Intervals.maxOverlap(pDone), "a parallel user runs up to 3, never 4");
      Instant serialLastStart = Instant.parse(sDone.get(2).getString("started_at"));
      assertTrue(Instant.parse(oDone.getString("started_at")).isBefore(serialLastStart),
          "s2's job did not wait for s1's queue");
    }
  }

  @Test
  void switchingToParallelLetsMoreStartWithoutARestartAndPriorityOrdersTheQueue() {
    try (TestServer server = TestServer.start(c -> TestServer.script(c, "train", "sleep_job.sh"))) {
      Api u = server.user("mode", "serial");
      JsonObject first = u.train(new JsonObject());
      u.awaitStatus(first.getString("job_id"), "running");
      JsonObject low = u.train(new JsonObject().put("priority", 0));
      JsonObject high = u.train(new JsonObject().put("priority", 5));
      JsonObject high2 = u.train(new JsonObject().put("priority", 5));
      JsonObject q = u.job(low.getString("job_id"));
      assertEquals(3, q.getInteger("queue_position"), "lowest priority is last in line");
      assertEquals(1, u.job(high.getString("job_id")).getInteger("queue_position"));
      List<JsonObject> done = awaitAll(u, List.of(first, low, high, high2));
      assertEquals(1, Intervals.maxOverlap(done));
      assertTrue(startedAt(done.get(2)).isBefore(startedAt(done.get(3))), "equal priority: oldest first");
      assertTrue(startedAt(done.get(3)).isBefore(startedAt(done.get(1))), "higher priority before lower");

      JsonObject running = u.train(new JsonObject());
      u.awaitStatus(running.getString("job_id"), "running");
      List<JsonObject> more = submit(u, 3, new JsonObject());
      u.patch("/api/users/" + u.userId(), new JsonObject().put("schedule_mode", "parallel")).expect(200);
      List<JsonObject> all = new ArrayList<>(more);
      all.add(running);
      assertEquals(3, Intervals.maxOverlap(awaitAll(u, all)), "the new mode applied to the next start decision");
    }
  }

  @Test
  void nodeCapacityCapsAllUsersTogetherAndSharesTheNodeFairly() {
    try (TestServer server = TestServer.start(c -> {
      TestServer.script(c, "train", "sleep_job.sh");
      c.getJsonObject("scheduler").put("node_capacity", 2);
    })) {
      Api a = server.user("capa", "parallel");
      Api b = server.user("capb", "parallel");
      List<JsonObject> ja = submit(a, 3, new JsonObject());
      List<JsonObject> jb = submit(b, 3, new JsonObject());
      JsonObject waiting = b.job(jb.get(2).getString("job_id"));
      assertEquals("queued", waiting.getString("status"));
      List<JsonObject> all = new ArrayList<>(awaitAll(a, ja));
      all.addAll(awaitAll(b, jb));
      assertEquals(2, Intervals.maxOverlap(all));
      // Two slots freed together are claimed in one statement, so b1 and a3 may share a millisecond.
      assertFalse(startedAt(all.get(3)).isAfter(startedAt(all.get(2))), "b's first job did not wait for all of a's");
    }
  }

  @Test
  void twoNodesOnOneDatabaseNeverExceedAUsersLimit() {
    try (TestServer one = TestServer.start(c -> TestServer.script(c, "train", "sleep_job.sh"));
         TestServer two = TestServer.start(one.dbUrl(), c -> {
           TestServer.script(c, "train", "sleep_job.sh");
           c.put("node_id", "second-node");
         })) {
      Api u1 = one.user("both", "serial");
      Api u2 = two.api().login("both", "both-pass-1");
      List<JsonObject> jobs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        jobs.add(u1.train(new JsonObject()));
        jobs.add(u2.train(new JsonObject()));
      }
      List<JsonObject> done = awaitAll(u1, jobs);
      assertEquals(1, Intervals.maxOverlap(done), "the serial limit holds across nodes");
    }
  }

  @Test
  void aJobRunningOnAnotherNodeIsNeverSettledFromHereAndACancelThroughThisNodeReachesIt() {
    try (TestServer here = TestServer.start(c -> {
           TestServer.script(c, "train", "sleep_job.sh");
           c.getJsonObject("scheduler").put("node_capacity", 0); // this node starts nothing
         });
         TestServer there = TestServer.start(here.dbUrl(), c -> {
           TestServer.script(c, "train", "sleep_job.sh");
           c.put("node_id", "node-there");
         })) {
      Api u = here.user("remote", "serial");
      JsonObject job = u.train(new JsonObject().put("epochs", 300));
      JsonObject running = u.awaitJob(job.getString("job_id"), j -> j.getInteger("pid") != null, java.time.Duration.ofSeconds(30));
      assertEquals("node-there", running.getString("node_id"));
      // A GET settles a stale job before it answers (JobService.get), so its own answer is the event to check.
      assertEquals("running", u.job(job.getString("job_id")).getString("status"),
          "a GET here must not settle a job whose node is not on this event bus");
      JsonObject answer = u.post("/api/jobs/" + job.getString("job_id") + "/cancel", null).expect(200).json().getJsonObject("job");
      assertTrue(answer.getBoolean("cancel_requested"));
      JsonObject canceled = u.awaitStatus(job.getString("job_id"), "canceled");
      assertEquals("canceled by request", canceled.getString("error"));
      assertTrue(io.trainyard.supervisor.ProcessGroup.startTicks(running.getInteger("pid")).isEmpty(), "the process on the other node is gone");
    }
  }

  static Instant startedAt(JsonObject job) {
    return Instant.parse(job.getString("started_at"));
  }
}
