package io.trainyard.cluster;

import io.trainyard.supervisor.ProcessGroup;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.BridgeClient;
import io.trainyard.testing.Intervals;
import io.trainyard.testing.TestCluster;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Trainyard nodes in JVMs of their own, clustered over Hazelcast on loopback and sharing one
 * PostgreSQL: every node answers for every job, limits hold cluster-wide, pushes reach every node's
 * clients once, a killed node's jobs are settled by the survivors, and a node can be drained.
 * One cluster serves every test (JVM and cluster start-up is most of the cost); the test that kills a
 * node runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static TestCluster cluster;
  private static Api[] admins;

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Files.createTempDirectory("trainyard-cluster-test");
    Path script = Path.of("src/test/resources/jobs/cluster_job.sh").toAbsolutePath();
    cluster = TestCluster.start(3, dir, """
        auth: {pbkdf2_iterations: 1000}
        scheduler: {tick_ms: 500}
        supervisor: {cancel_grace_seconds: 2}
        jobs:
          types:
            train: {command: ["bash", "%s"]}
        """.formatted(script));
    admins = new Api[3];
    for (int i = 0; i < 3; i++) {
      admins[i] = new Api(cluster.node(i).baseUrl()).login("admin", TestServer.ADMIN_PASSWORD);
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void everyNodeSeesThreeClusterMembersAndListsEveryNodeUp() {
    for (int i = 0; i < 3; i++) {
      JsonObject health = admins[i].get("/api/health").expect(200).json();
      assertEquals(3, health.getInteger("cluster_members"), "node " + i + ": " + health);
      assertEquals(TestCluster.nodeId(i), health.getString("node_id"));
      JsonArray items = admins[i].get("/api/admin/nodes").expect(200).json().getJsonArray("items");
      assertEquals(List.of("node-0", "node-1", "node-2"), items.stream().map(o -> ((JsonObject) o).getString("node_id")).toList());
      items.forEach(o -> {
        JsonObject n = (JsonObject) o;
        assertEquals("up", n.getString("state"), n.encode());
        assertEquals(8, n.getInteger("capacity"));
        assertNotNull(n.getString("last_heartbeat_at"));
        assertNotNull(n.getString("version"));
      });
    }
  }

  @Test
  @Order(2)
  void aSerialUsersJobsSubmittedToEveryNodeAtOnceNeverRunTwoAtATime() {
    Api user = newUser("serial-user", "serial");
    List<CompletableFuture<List<String>>> submitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Api via = onNode(user, i);
      submitted.add(CompletableFuture.supplyAsync(() -> IntStream.range(0, 3)
          .mapToObj(k -> via.train(new JsonObject().put("epochs", 2)).getString("job_id")).toList()));
    }
    List<String> ids = submitted.stream().flatMap(f -> f.join().stream()).toList();
    List<JsonObject> done = ids.stream().map(id -> user.awaitStatus(id, "success")).toList();
    assertEquals(1, Intervals.maxOverlap(done), "a serial user's jobs overlapped: " + done);
    assertTrue(done.stream().map(j -> j.getString("node_id")).distinct().count() >= 1);
  }

  @Test
  @Order(3)
  void bridgeAndSseClientsOnEveryNodeSeeStatusProgressAndLogEventsOfAJobRunningOnAnotherOnce() throws Exception {
    Api user = newUser("watcher", "parallel");
    List<BridgeClient> clients = new ArrayList<>();
    List<LinkedBlockingQueue<JsonObject>> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        BridgeClient c = BridgeClient.connect(cluster.node(i).baseUrl(), user.token(), cluster.node(i).baseUrl());
        c.register("jobs.user." + user.userId());
        clients.add(c);
        streams.add(events(cluster.node(i).baseUrl(), user.token()));
      }
      // A first job shows every registration is in place on every node (its events reached each client).
      String probe = user.train(new JsonObject().put("epochs", 1)).getString("job_id");
      for (int i = 0; i < 3; i++) {
        assertNotNull(clients.get(i).await(f -> isStatus(f, probe, "success"), LONG), "the probe's events reached every node's bridge");
        LinkedBlockingQueue<JsonObject> sse = streams.get(i);
        Await.until("the probe's events to reach node " + i + "'s SSE stream", LONG, () -> sse.stream()
            .anyMatch(e -> probe.equals(e.getString("job_id")) && "success".equals(e.getString("status"))));
        sse.clear();
      }
      clients.forEach(BridgeClient::drain);

      String job = user.train(new JsonObject().put("epochs", 15)).getString("job_id");
      for (BridgeClient c : clients) {
        c.register("jobs.log." + job);
      }
      JsonObject finished = user.awaitStatus(job, "success");
      byte[] log = user.get("/api/jobs/" + job + "/log?offset=0").expect(200).json().getString("log")
          .getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 3; i++) {
        BridgeClient c = clients.get(i);
        List<JsonObject> got = new ArrayList<>();
        Await.until("node " + i + "'s client to get the job's last status and log event", LONG, () -> {
          got.addAll(c.drain());
          return bodies(got, job, "job_status_changed").stream().anyMatch(b -> "success".equals(b.getString("status")))
              && logEnd(bodies(got, job, "job_log")) == log.length;
        }, Boolean::booleanValue);
        String where = "node " + i + " (the job ran on " + finished.getString("node_id") + ")";
        Map<String, Long> statuses = bodies(got, job, "job_status_changed").stream()
            .collect(Collectors.groupingBy(b -> b.getString("status"), TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("queued", 1L, "running", 1L, "success", 1L), statuses, where + ": each status once");
        assertFalse(bodies(got, job, "job_progress").isEmpty(), where + ": progress events");
        assertContiguousSliceOf(log, bodies(got, job, "job_log"), where);

        List<JsonObject> sse = new ArrayList<>(streams.get(i));
        Map<String, Long> streamed = sse.stream().filter(e -> job.equals(e.getString("job_id"))
                && "job_status_changed".equals(e.getString("type")))
            .collect(Collectors.groupingBy(e -> e.getString("status"), TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("queued", 1L, "running", 1L, "success", 1L), streamed, where + ", SSE: each status once");
        assertTrue(sse.stream().anyMatch(e -> job.equals(e.getString("job_id")) && "job_progress".equals(e.getString("type"))),
            where + ", SSE: progress events");
      }
      assertTrue(IntStream.range(0, 3).anyMatch(i -> !TestCluster.nodeId(i).equals(finished.getString("node_id"))));
    } finally {
      clients.forEach(BridgeClient::close);
    }
  }

  @Test
  @Order(4)
  void logOffsetReadsProgressCancelAndDeleteWorkThroughANodeThatDoesNotOwnTheJob() {
    Api user = newUser("remote", "parallel");
    String job = user.train(new JsonObject().put("epochs", 300)).getString("job_id");
    user.awaitLog(job, "epoch 3/300", LONG);
    JsonObject running = user.job(job);
    int owner = Integer.parseInt(running.getString("node_id").substring("node-".length()));
    Api other = onNode(user, (owner + 1) % 3);

    JsonObject head = other.get("/api/jobs/" + job + "/log?offset=0").expect(200).json();
    assertTrue(head.getString("log").startsWith("stage: training " + job), head.encode());
    long from = "stage: training ".length();
    JsonObject tail = other.get("/api/jobs/" + job + "/log?offset=" + from).expect(200).json();
    assertEquals(from, tail.getLong("offset"));
    assertTrue(tail.getString("log").startsWith(job + "\nepoch 1/300"), tail.encode());
    JsonObject progress = other.get("/api/jobs/" + job + "/inline-progress").expect(200).json();
    assertNotNull(progress.getValue("progress"), progress.encode());

    other.post("/api/jobs/" + job + "/cancel", null).expect(200);
    // At once over the bus, not at the owner's next scheduler tick: the grace is 2 s.
    JsonObject canceled = user.awaitJob(job, j -> "canceled".equals(j.getString("status")), Duration.ofSeconds(20));
    long pid = canceled.getLong("pid");
    assertFalse(ProcessGroup.startTicks(pid).isPresent(), "the job's process is gone");

    // The whole log downloads through the other node too, relayed from the owner's disk.
    String fromOwner = onNode(user, owner).get("/api/jobs/" + job + "/log/download").expect(200).body();
    String relayed = other.get("/api/jobs/" + job + "/log/download").expect(200).body();
    assertTrue(fromOwner.contains("epoch 3/300"), fromOwner);
    assertEquals(fromOwner, relayed, "the download through a node that does not own the job is the whole log");

    other.delete("/api/jobs/" + job).expect(200);
    user.get("/api/jobs/" + job).expect(404);
    assertFalse(Files.exists(Path.of(canceled.getString("artifacts_dir"))), "its files went with it");
  }

  @Test
  @Order(5)
  void aDrainedNodeStartsNothingUntilItIsResumed() {
    Api user = newUser("drainee", "parallel");
    admins[1].post("/api/admin/nodes/node-0/drain", null).expect(200);
    admins[1].post("/api/admin/nodes/node-2/drain", null).expect(200);
    try {
      JsonArray nodes = admins[0].get("/api/admin/nodes").expect(200).json().getJsonArray("items");
      assertEquals(List.of("draining", "up", "draining"), nodes.stream().map(o -> ((JsonObject) o).getString("state")).toList());
      List<String> ids = IntStream.range(0, 3).mapToObj(i -> onNode(user, i).train(new JsonObject().put("epochs", 1))
          .getString("job_id")).toList();
      for (String id : ids) {
        assertEquals("node-1", user.awaitStatus(id, "success").getString("node_id"), "only the node not draining starts jobs");
      }
      admins[2].post("/api/admin/nodes/node-1/drain", null).expect(200);
      admins[2].post("/api/admin/nodes/node-0/resume", null).expect(200).json();
      String next = onNode(user, 2).train(new JsonObject().put("epochs", 1)).getString("job_id");
      assertEquals("node-0", user.awaitStatus(next, "success").getString("node_id"), "a resumed node starts jobs again");
    } finally {
      for (int i = 0; i < 3; i++) {
        admins[0].post("/api/admin/nodes/node-" + i + "/resume", null).expect(200);
      }
    }
    assertEquals(Set.of("up"), admins[0].get("/api/admin/nodes").expect(200).json().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("state")).collect(Collectors.toSet()));
  }

  @Test
  @Order(6)
  void adminRoutesRefuseOthersAndNameBadInput() {
    Api user = newUser("not-admin", "serial");
    user.get("/api/admin/nodes").expect(403);
    user.post("/api/admin/nodes/node-0/drain", null).expect(403);
    admins[0].post("/api/admin/nodes/no-such-node/drain", null).expect(404);
    JsonObject bad = admins[0].post("/api/admin/nodes/bad%20id/resume", null).expect(400).json();
    assertEquals("node_id", bad.getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals("up", admins[0].get("/api/admin/nodes").expect(200).json().getJsonArray("items").getJsonObject(0)
        .getString("state"), "refused requests changed nothing");
  }

  @Test
  @Order(7)
  void aSecondNodeWithAnIdAlreadyInUseOrAClusterWithoutASharedDatabaseRefusesToStart() throws Exception {
    Map<String, String> duplicate = cluster.env(0);
    duplicate.put("TRAINYARD_CLUSTER_PORT", "0");
    String out = io.trainyard.testing.ServerProcess.failedStart(cluster.dir().resolve("data-dup"), cluster.config(),
        cluster.dir().resolve("dup.out"), duplicate);
    assertTrue(out.contains("node id 'node-0' is already used by a live cluster member"), out);

    Map<String, String> noDb = cluster.env(1);
    noDb.remove("TRAINYARD_DB_URL");
    out = io.trainyard.testing.ServerProcess.failedStart(cluster.dir().resolve("data-nodb"), cluster.config(),
        cluster.dir().resolve("nodb.out"), noDb);
    assertTrue(out.contains("a cluster needs one shared PostgreSQL: set TRAINYARD_DB_URL"), out);
    assertEquals("up", admins[1].get("/api/admin/nodes").expect(200).json().getJsonArray("items").getJsonObject(0)
        .getString("state"), "the refused node changed nothing");
  }

  @Test
  @Order(10)
  void whenANodeIsKilledTheSurvivorsSettleItsRunningJobsAndItStopsThemWhenItComesBack() throws Exception {
    Api user = newUser("victim", "parallel");
    List<String> jobs = IntStream.range(0, 3).mapToObj(i -> onNode(user, i).train(new JsonObject().put("epochs", 600))
        .getString("job_id")).toList();
    List<JsonObject> running = jobs.stream().map(id -> user.awaitJob(id, j -> j.getInteger("pid") != null, LONG)).toList();
    Map<String, List<JsonObject>> byNode = running.stream().collect(Collectors.groupingBy(j -> j.getString("node_id")));
    String victim = byNode.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> a.size() - b.size())).get().getKey();
    int v = Integer.parseInt(victim.substring("node-".length()));
    int survivor = (v + 1) % 3;
    Api via = onNode(user, survivor);
    String queued = via.train(new JsonObject().put("epochs", 1)).getString("job_id");
    assertEquals("queued", via.job(queued).getString("status"), "the user's three slots are taken");

    cluster.node(v).kill();
    long killedAt = System.nanoTime();
    for (JsonObject j : byNode.get(victim)) {
      JsonObject settled = via.awaitJob(j.getString("job_id"), x -> "failed".equals(x.getString("status")), Duration.ofSeconds(45));
      assertEquals("node " + victim + " was lost", settled.getString("error"));
      assertTrue(ProcessGroup.startTicks(j.getLong("pid")).isPresent(), "its process outlived the killed node");
    }
    System.out.printf("cluster: a killed node's jobs were settled %.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
    assertNotEquals(victim, via.awaitStatus(queued, "success").getString("node_id"), "the freed slot went to a survivor");
    assertEquals("lost", state(admins[survivor], victim));
    assertEquals(2, admins[survivor].get("/api/health").expect(200).json().getInteger("cluster_members"));

    cluster.startNode(v);
    admins[v] = new Api(cluster.node(v).baseUrl()).login("admin", TestServer.ADMIN_PASSWORD); // a new HTTP port
    Api back = onNode(user, v);
    for (JsonObject j : byNode.get(victim)) {
      Await.until("the comeback to stop the process of " + j.getString("job_id"), LONG,
          () -> !ProcessGroup.startTicks(j.getLong("pid")).isPresent());
      JsonObject row = back.job(j.getString("job_id"));
      assertEquals("failed", row.getString("status"), "its settled row stays as it was");
      assertEquals("node " + victim + " was lost", row.getString("error"));
    }
    Await.until("the node to be up again", LONG, () -> "up".equals(state(admins[survivor], victim)));
    for (String id : jobs) {
      via.post("/api/jobs/" + id + "/cancel", null);
    }
  }

  @Test
  @Order(11)
  void aNodeCutOffLongEnoughToBeDeclaredLostStopsTheProcessesItStillRunsWhenItIsBack() throws Exception {
    Api user = newUser("frozen", "parallel");
    String job = user.train(new JsonObject().put("epochs", 600)).getString("job_id");
    JsonObject running = user.awaitJob(job, j -> j.getInteger("pid") != null, LONG);
    int v = Integer.parseInt(running.getString("node_id").substring("node-".length()));
    Api via = onNode(user, (v + 1) % 3);
    long pid = running.getLong("pid");
    // SIGSTOP: no heartbeat, no Hazelcast member; the node's job process keeps running meanwhile.
    new ProcessBuilder("kill", "-STOP", Long.toString(cluster.node(v).pid())).start().waitFor();
    try {
      JsonObject settled = via.awaitJob(job, j -> "failed".equals(j.getString("status")), Duration.ofSeconds(90));
      assertEquals("node " + running.getString("node_id") + " was lost", settled.getString("error"));
      assertTrue(ProcessGroup.startTicks(pid).isPresent(), "the frozen node's job process still runs");
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(cluster.node(v).pid())).start().waitFor();
    }
    Await.until("the node, back, to stop the process it still supervised", LONG,
        () -> !ProcessGroup.startTicks(pid).isPresent());
    JsonObject row = via.job(job);
    assertEquals("failed", row.getString("status"), "its settled row stays as it was");
    assertEquals("node " + running.getString("node_id") + " was lost", row.getString("error"));
    Await.until("the node to be up again", LONG, () -> "up".equals(state(admins[(v + 1) % 3], running.getString("node_id"))));
  }

  /**
   * The events of {@code GET /api/events} on a node, as they arrive; answers once the stream says it is
   * connected (subscribed cluster-wide).
   */
  private static LinkedBlockingQueue<JsonObject> events(String base, String token) {
    LinkedBlockingQueue<JsonObject> out = new LinkedBlockingQueue<>();
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/events"))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(l -> {
          if (l.startsWith(": connected")) {
            connected.countDown();
          } else if (l.startsWith("data: ")) {
            out.add(new JsonObject(l.substring(6)));
          }
        }));
    Await.until("the event stream of " + base + " to say it is connected", LONG, () -> connected.getCount() == 0);
    return out;
  }

  /** The event bodies of one type for one job among bridge frames. */
  private static List<JsonObject> bodies(List<JsonObject> frames, String job, String type) {
    return frames.stream().map(f -> f.getJsonObject("body")).filter(b -> b != null && type.equals(b.getString("type"))
        && job.equals(b.getString("job_id"))).toList();
  }

  /** Where the log events end (offset of the last plus its bytes); -1 without any. */
  private static long logEnd(List<JsonObject> logEvents) {
    return logEvents.stream().mapToLong(e -> e.getLong("offset") + e.getString("text").getBytes(StandardCharsets.UTF_8).length)
        .max().orElse(-1);
  }

  /** Log events follow each other without gap or repeat, and say what the log file holds there. */
  private static void assertContiguousSliceOf(byte[] log, List<JsonObject> events, String where) {
    assertFalse(events.isEmpty(), where + ": log events");
    long next = events.get(0).getLong("offset");
    for (JsonObject e : events) {
      assertEquals(next, e.getLong("offset"), where + ": log events in order, no gap, no repeat");
      byte[] text = e.getString("text").getBytes(StandardCharsets.UTF_8);
      assertEquals(new String(log, (int) next, text.length, StandardCharsets.UTF_8), e.getString("text"), where);
      next += text.length;
    }
  }

  private static String state(Api admin, String node) {
    return admin.get("/api/admin/nodes").expect(200).json().getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(n -> node.equals(n.getString("node_id"))).findFirst().orElseThrow().getString("state");
  }

  private static boolean isStatus(JsonObject frame, String job, String status) {
    JsonObject body = frame.getJsonObject("body");
    return body != null && "job_status_changed".equals(body.getString("type")) && job.equals(body.getString("job_id"))
        && status.equals(body.getString("status"));
  }

  private Api newUser(String name, String mode) {
    String password = name + "-pass-1";
    admins[0].post("/api/users", new JsonObject().put("username", name).put("password", password)
        .put("schedule_mode", mode)).expect(200);
    return new Api(cluster.node(0).baseUrl()).login(name, password);
  }

  /** The same user signed in through node {@code i} (sessions live in the shared PostgreSQL). */
  private static Api onNode(Api user, int i) {
    return user.at(cluster.node(i).baseUrl());
  }
}
