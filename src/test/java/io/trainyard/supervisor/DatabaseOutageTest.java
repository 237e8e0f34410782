package io.trainyard.supervisor;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.ServerProcess;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL frozen (SIGSTOP to every one of its processes) for 20 s under load: the API answers
 * only 503 problem+json with Retry-After while it cannot reach it, never 500; jobs whose programs exit
 * meanwhile are recorded with their real exit codes once it is back, and what was acknowledged runs.
 */
class DatabaseOutageTest {
  private static final int JOBS = 6;
  private static final Duration FREEZE = Duration.ofSeconds(20);

  @Test
  void aFrozenDatabaseGetsOnly503sAndEveryExitDuringItIsRecordedAfterwards(@TempDir Path tmp) throws Exception {
    Path config = RestartTest.config(tmp, "restart_job.sh", JOBS);
    Path data = tmp.resolve("data");
    ServerProcess server = ServerProcess.start(data, config, tmp.resolve("server.out"));
    AtomicBoolean loading = new AtomicBoolean(true);
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    List<Long> postgres = List.of();
    List<Thread> load = new ArrayList<>();
    Map<String, Path> dirs = new HashMap<>();
    try {
      Api admin = new Api(server.baseUrl()).login("admin", TestServer.ADMIN_PASSWORD);
      admin.post("/api/users", new JsonObject().put("username", "dbo").put("password", "dbo-pass-1")
          .put("schedule_mode", "parallel")).expect(200);
      Api u = new Api(server.baseUrl()).login("dbo", "dbo-pass-1");
      Map<String, Integer> exits = new HashMap<>();
      for (int i = 0; i < JOBS; i++) {
        JsonObject job = u.train(new JsonObject().put("epochs", 10 + i));
        exits.put(job.getString("job_id"), (10 + i) % 4);
        dirs.put(job.getString("job_id"), Path.of(job.getString("artifacts_dir")));
      }
      for (String id : exits.keySet()) {
        u.awaitJob(id, j -> j.getInteger("pid") != null, Duration.ofSeconds(60));
      }
      // Readers and a submitter on a clock, not one after another's answer: requests that reach a
      // frozen database's pool hang until it thaws, and the load must keep coming meanwhile.
      // HTTP/1.1, a connection per request in flight: over one h2c connection the client itself
      // queues new requests behind the hung ones.
      java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      List<java.util.concurrent.CompletableFuture<?>> inFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread clock = new Thread(() -> {
        for (int n = 0; loading.get(); n++) {
          int kind = n % 3;
          var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + switch (kind) {
            case 0 -> "/api/jobs?limit=5";
            case 1 -> "/api/jobs/counts";
            default -> "/api/jobs/train";
          })).header("Authorization", "Bearer " + u.token()).timeout(Duration.ofSeconds(90));
          if (kind == 2) {
            req.header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 4).encode()));
          }
          inFlight.add(client.sendAsync(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
            if (err != null) {
              bad.add(String.valueOf(err));
              return;
            }
            statuses.merge(r.statusCode(), 1, Integer::sum);
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() == 200 && kind == 2) {
              acknowledged.add(new JsonObject(r.body()).getJsonObject("job").getString("job_id"));
            } else if (r.statusCode() != 200 && (r.statusCode() != 503 || r.headers().firstValue("Retry-After").isEmpty()
                || !type.startsWith("application/problem+json"))) {
              bad.add(r.statusCode() + " " + r.body());
            }
          }));
          try {
            Thread.sleep(30); // the load's pace, about 33 requests/s
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      clock.start();
      load.add(clock);
      Await.until("some load before the freeze", Duration.ofSeconds(30), () -> statuses.getOrDefault(200, 0) > 20);

      postgres = postgresOf(data);
      System.out.println("freezing PostgreSQL processes " + postgres);
      assertFalse(postgres.isEmpty(), "found the server's PostgreSQL processes");
      signal("STOP", postgres);
      long frozenAt = System.nanoTime();
      // Every job's program exits while PostgreSQL is frozen; their keepers record the statuses.
      for (Path dir : dirs.values()) {
        Files.createFile(dir.resolve("go"));
      }
      for (Path dir : dirs.values()) {
        Await.until("a recorded exit in " + dir, Duration.ofSeconds(15), () -> Files.exists(dir.resolve(Keeper.STATUS_FILE)));
      }
      Await.until("503s while PostgreSQL is frozen", Duration.ofSeconds(15), () -> statuses.getOrDefault(503, 0) > 0);
      Api.Res health = new Api(server.baseUrl()).get("/api/health");
      assertEquals(503, health.status(), health.body());
      assertEquals("down", health.json().getString("db"), "health reports the outage at once, without waiting on it");
      long left = FREEZE.toNanos() - (System.nanoTime() - frozenAt);
      if (left > 0) {
        Thread.sleep(left / 1_000_000); // the fault lasts its 20 s
      }
      for (String id : exits.keySet()) {
        assertTrue(ProcessGroup.isEmpty(Long.parseLong(Files.readAllLines(dirs.get(id).resolve("starts")).get(0).split(" ")[1])),
            "the program of " + id + " has exited during the freeze");
      }
      signal("CONT", postgres);
      postgres = List.of();

      for (Map.Entry<String, Integer> e : exits.entrySet()) {
        JsonObject j = Await.until("job " + e.getKey() + " recorded", Duration.ofSeconds(60), () -> u.get("/api/jobs/" + e.getKey()),
            r -> r.status() == 200 && !"running".equals(r.json().getJsonObject("job").getString("status"))).json().getJsonObject("job");
        assertEquals(e.getValue(), j.getInteger("exit_code"), j.encode());
        assertEquals(e.getValue() == 0 ? "success" : "failed", j.getString("status"));
      }
      loading.set(false);
      for (Thread th : load) {
        th.join(90_000);
      }
      java.util.concurrent.CompletableFuture.allOf(inFlight.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
          .handle((x, e) -> null).get(90, java.util.concurrent.TimeUnit.SECONDS);
      for (String id : acknowledged) {
        assertEquals("success", u.awaitStatus(id, "success").getString("status"), "acknowledged job " + id + " ran");
      }
      System.out.println("answers during a " + FREEZE.toSeconds() + " s freeze under load: " + statuses);
      assertEquals(List.of(), new ArrayList<>(bad), "answers other than 200 and 503 problem+json with Retry-After");
      assertTrue(statuses.getOrDefault(503, 0) > 0, "answers: " + statuses);
      assertFalse(statuses.containsKey(500), "answers: " + statuses);
    } finally {
      loading.set(false);
      signal("CONT", postgres);
      RestartTest.release(dirs.values());
      server.stop();
      // The server's own account of the outage, for when this test fails.
      Files.copy(tmp.resolve("server.out"), Path.of("target/database-outage-server.out"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The embedded PostgreSQL of a data dir: its postmaster (found by its -D argument) and every child of it. */
  static List<Long> postgresOf(Path data) throws Exception {
    String dir = data.resolve("pg").toAbsolutePath().toString();
    List<Long> out = new ArrayList<>();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.filter(p -> p.info().commandLine().orElse("").contains(dir) || p.info().arguments().map(List::of)
              .map(a -> a.contains(dir)).orElse(false))
          .forEach(p -> {
            out.add(p.pid());
            p.descendants().forEach(c -> out.add(c.pid()));
          });
    }
    return out;
  }

  private static void signal(String sig, List<Long> pids) throws Exception {
    if (pids.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

}
