package io.trainyard.http;

import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.BridgeClient;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SockJS bridge and SSE deliver each user's own events and nothing else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private TestServer server;
  private Api alice;
  private Api bob;

  @BeforeAll
  void start() {
    server = TestServer.start(c -> c.getJsonObject("jobs").put("demo_step_ms", 20));
    alice = server.user("alice", "parallel");
    bob = server.user("bob", "parallel");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private String origin() {
    return server.baseUrl();
  }

  private static boolean isErr(JsonObject f) {
    return "err".equals(f.getString("type"));
  }

  @Test
  void ownAddressDeliversStatusAndProgressInOrderAfterTheDatabaseHoldsThem() throws Exception {
    try (BridgeClient ws = BridgeClient.connect(server.baseUrl(), alice.token(), origin())) {
      String own = "jobs.user." + alice.userId();
      ws.register(own);
      ws.framesBeforeMarker(server::publish, own, WAIT); // registered: the job's first event cannot be missed
      JsonObject job = alice.train(new JsonObject().put("epochs", 2));
      String id = job.getString("job_id");
      JsonObject queued = ws.await(f -> isStatus(f, id, "queued"), WAIT);
      assertNotNull(queued, () -> "queued event; frames: " + ws.drain());
      assertEquals("job_status_changed", queued.getJsonObject("body").getString("type"));
      JsonObject running = ws.await(f -> isStatus(f, id, "running"), WAIT);
      assertNotNull(running);
      JsonObject progress = ws.await(f -> "job_progress".equals(body(f).getString("type"))
          && id.equals(body(f).getString("job_id")) && body(f).getDouble("progress") != null, WAIT);
      assertNotNull(progress, "progress event");
      JsonObject success = ws.await(f -> isStatus(f, id, "success"), WAIT);
      assertNotNull(success);
      // Published after the write: a GET right now sees at least that state.
      assertEquals("success", alice.job(id).getString("status"));
      assertEquals(100.0, body(success).getJsonObject("job").getDouble("progress"));
    }
  }

  @Test
  void logEventsCarryByteOffsetsThatRebuildTheLogExactly() throws Exception {
    try (BridgeClient ws = BridgeClient.connect(server.baseUrl(), alice.token(), origin())) {
      JsonObject job = alice.train(new JsonObject().put("epochs", 3));
      String id = job.getString("job_id");
      ws.register("jobs.log." + id);
      alice.awaitStatus(id, "success");
      // The last bytes were published before the job was recorded as finished: a marker published now
      // on the same address comes after every log event, duplicates included.
      List<JsonObject> frames = ws.framesBeforeMarker(server::publish, "jobs.log." + id, WAIT);
      String log = Files.readString(Path.of(job.getString("log_path")));
      StringBuilder rebuilt = new StringBuilder();
      long next = -1;
      for (JsonObject f : frames) {
        JsonObject b = body(f);
        if (!"job_log".equals(b.getString("type"))) {
          continue;
        }
        long offset = b.getLong("offset");
        if (next < 0) {
          // Registered a moment after the job started: catch up from the REST route, as a client does.
          rebuilt.append(alice.get("/api/jobs/" + id + "/log?offset=0").json().getString("log"), 0, (int) offset);
          next = offset;
        }
        assertEquals(next, offset, "no gap, no duplicate");
        rebuilt.append(b.getString("text"));
        next = offset + b.getString("text").getBytes(StandardCharsets.UTF_8).length;
      }
      assertTrue(next > 0, "log events arrived");
      assertEquals(log, rebuilt.toString());
    }
  }

  @Test
  void anotherUsersAddressesAndJobsAllAndInboundSendsAreRefusedAndDeliverNothing() throws Exception {
    try (BridgeClient watcher = adminOnJobsAll()) {
      JsonObject alicesJob = alice.train(new JsonObject().put("epochs", 2));
      try (BridgeClient ws = BridgeClient.connect(server.baseUrl(), bob.token(), origin())) {
        ws.register("jobs.user." + alice.userId());
        assertEquals("access_denied", ws.await(PushTest::isErr, WAIT).getString("body"));
        ws.register("jobs.all");
        assertEquals("access_denied", ws.await(PushTest::isErr, WAIT).getString("body"));
        ws.register("jobs.log." + alicesJob.getString("job_id"));
        assertEquals("access_denied", ws.await(PushTest::isErr, WAIT).getString("body"));
        ws.send(new JsonObject().put("type", "send").put("address", "scheduler.wake").put("body", new JsonObject()));
        assertEquals("access_denied", ws.await(PushTest::isErr, WAIT).getString("body"));
        ws.send(new JsonObject().put("type", "publish").put("address", "jobs.user." + bob.userId()).put("body", new JsonObject()));
        assertEquals("access_denied", ws.await(PushTest::isErr, WAIT).getString("body"));
        // Her job's last event has gone out (jobs.all gets it after her own address)...
        assertNotNull(watcher.await(f -> isStatus(f, alicesJob.getString("job_id"), "success"), WAIT), "alice's job ended");
        // ...so any of her events bound for this socket would arrive before a marker published only now
        // on an address bob may follow.
        String own = "jobs.user." + bob.userId();
        ws.register(own);
        List<JsonObject> before = ws.framesBeforeMarker(server::publish, own, WAIT);
        assertTrue(before.stream().noneMatch(f -> "rec".equals(f.getString("type"))), "nothing was delivered: " + before);
      }
    }
  }

  /** An admin's socket following jobs.all, registered: it sees each job's status events after its owner's address got them. */
  private BridgeClient adminOnJobsAll() {
    BridgeClient ws = BridgeClient.connect(server.baseUrl(), server.admin().token(), origin());
    ws.register("jobs.all");
    ws.framesBeforeMarker(server::publish, "jobs.all", WAIT);
    return ws;
  }

  @Test
  void anAdminMayFollowJobsAllAndABearerTokenInTheFrameHeadersWorksWithoutACookie() throws Exception {
    Api admin = server.admin();
    try (BridgeClient ws = BridgeClient.connect(server.baseUrl(), null, null)) {
      ws.send(new JsonObject().put("type", "register").put("address", "jobs.all")
          .put("headers", new JsonObject().put("Authorization", "Bearer " + admin.token())));
      ws.framesBeforeMarker(server::publish, "jobs.all", WAIT); // the bearer token's registration is in place
      String id = bob.train(new JsonObject()).getString("job_id");
      assertNotNull(ws.await(f -> isStatus(f, id, "queued"), WAIT));
    }
    try (BridgeClient anon = BridgeClient.connect(server.baseUrl(), null, null)) {
      anon.register("jobs.user." + bob.userId());
      assertEquals("access_denied", anon.await(PushTest::isErr, WAIT).getString("body"));
    }
  }

  @Test
  void aForeignOriginIsRefusedOnTheWebsocketAndTheXhrTransports() throws Exception {
    CompletionException e = assertThrows(CompletionException.class,
        () -> BridgeClient.connect(server.baseUrl(), alice.token(), "https://evil.example"));
    assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, e.getCause().toString());
    assertEquals(403, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    HttpClient http = HttpClient.newHttpClient();
    for (String path : new String[] {"/eventbus/info", "/eventbus/123/abcdef/xhr", "/eventbus/123/abcdef/xhr_streaming"}) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
          .header("Origin", "https://evil.example").header("Cookie", "trainyard_session=" + alice.token())
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode(), path);
      assertNull(r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }
    HttpResponse<String> same = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/eventbus/info"))
        .header("Origin", origin()).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, same.statusCode(), same.body());
  }

  @Test
  void sseDeliversOnlyTheCallersEventsAndRefusesTheSixthStream() throws Exception {
    List<InputStream> streams = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    try (BridgeClient watcher = adminOnJobsAll()) {
      HttpResponse<InputStream> first = http.send(sse(bob.token()), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, first.statusCode());
      assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
      streams.add(first.body());
      LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (java.io.IOException ignored) {
          // closed by the test
        }
      });
      reader.setDaemon(true);
      reader.start();
      for (int i = 0; i < 4; i++) {
        HttpResponse<InputStream> r = http.send(sse(bob.token()), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        streams.add(r.body());
      }
      HttpResponse<String> sixth = http.send(sse(bob.token()), HttpResponse.BodyHandlers.ofString());
      assertEquals(429, sixth.statusCode());
      assertEquals("application/problem+json", sixth.headers().firstValue("Content-Type").orElse(""));

      String alicesJob = alice.train(new JsonObject()).getString("job_id");
      String bobsJob = bob.train(new JsonObject()).getString("job_id");
      bob.awaitStatus(bobsJob, "success");
      alice.awaitStatus(alicesJob, "success");
      // Both jobs' last events have gone out (jobs.all gets each after its owner's address)...
      Set<String> ended = new HashSet<>();
      while (ended.size() < 2) {
        JsonObject f = watcher.await(x -> isStatus(x, alicesJob, "success") || isStatus(x, bobsJob, "success"), WAIT);
        assertNotNull(f, "both jobs' success events; seen: " + ended);
        ended.add(body(f).getString("job_id"));
      }
      // ...so a marker published now on bob's address reaches his stream after all of them.
      List<String> data = sseDataBeforeMarker(lines, "jobs.user." + bob.userId());
      assertTrue(data.stream().anyMatch(d -> d.contains(bobsJob) && d.contains("\"status\":\"success\"")), data.toString());
      assertTrue(data.stream().noneMatch(d -> d.contains(alicesJob)), "no event of another user's job");
    } finally {
      for (InputStream s : streams) {
        s.close();
      }
    }
    // Closed streams free their places (once the server has seen them close).
    HttpClient fresh = HttpClient.newHttpClient();
    Await.until("a sixth stream to be accepted after five were closed", WAIT, () -> {
      HttpResponse<InputStream> again = fresh.send(sse(bob.token()), HttpResponse.BodyHandlers.ofInputStream());
      again.body().close();
      assertTrue(again.statusCode() == 200 || again.statusCode() == 429, "status " + again.statusCode());
      return again.statusCode();
    }, status -> status == 200);
  }

  /**
   * Publishes a marker on {@code address} until it comes out of the SSE stream whose lines are
   * {@code lines}; answers the data lines before it, markers left out.
   */
  private List<String> sseDataBeforeMarker(LinkedBlockingQueue<String> lines, String address) {
    String id = UUID.randomUUID().toString();
    List<String> data = new ArrayList<>();
    Await.until("a marker published on " + address + " to come out of the event stream", WAIT, () -> {
      server.publish(address, new JsonObject().put("type", BridgeClient.MARKER).put("marker", id));
      for (String l; (l = lines.poll()) != null; ) {
        if (!l.startsWith("data: ")) {
          continue;
        }
        String d = l.substring(6);
        if (d.contains(id)) {
          return true;
        }
        if (!d.contains(BridgeClient.MARKER)) {
          data.add(d);
        }
      }
      return false;
    }, Boolean::booleanValue);
    return data;
  }

  @Test
  void inlineProgressIsParsedFromTheRunningJobsLogAndNullOtherwise() throws Exception {
    try (TestServer slow = TestServer.start(c -> c.getJsonObject("jobs").put("demo_step_ms", 100))) {
      Api u = slow.user("prog", "serial");
      JsonObject job = u.train(new JsonObject().put("epochs", 10));
      String id = job.getString("job_id");
      JsonObject queued = u.train(new JsonObject());
      JsonObject q = u.get("/api/jobs/" + queued.getString("job_id") + "/inline-progress").expect(200).json();
      assertNull(q.getValue("progress"));
      assertNull(q.getValue("stage"));
      JsonObject p = Await.until("inline progress above 0", WAIT,
          () -> u.get("/api/jobs/" + id + "/inline-progress").expect(200).json(),
          j -> j.getDouble("progress") != null && j.getDouble("progress") > 0);
      assertEquals(id, p.getString("job_id"));
      assertTrue(p.getDouble("progress") > 0 && p.getDouble("progress") < 100, p.encode());
      assertTrue(List.of("Training", "Validation").contains(p.getString("stage")), p.encode());
      assertTrue(p.getString("last_log").length() <= 80);
      // The record carries it too (written at most once a second).
      JsonObject rec = u.awaitJob(id, j -> j.getDouble("progress") != null, WAIT);
      assertTrue(rec.getDouble("progress") > 0);
      assertNotNull(rec.getString("last_log"));
      u.post("/api/jobs/" + id + "/cancel", null).expect(200);
      JsonObject canceled = u.awaitStatus(id, "canceled");
      JsonObject after = u.get("/api/jobs/" + id + "/inline-progress").expect(200).json();
      assertNull(after.getValue("progress"), "only a running job has progress");
      assertNotNull(canceled.getDouble("progress"), "a finished record keeps its last values");
      assertTrue(canceled.getString("last_log").contains("stop"), canceled.getString("last_log"));
      u.get("/api/jobs/nope/inline-progress").problem(404);
    }
  }

  private HttpRequest sse(String token) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/events"))
        .header("Authorization", "Bearer " + token).GET().build();
  }

  static JsonObject body(JsonObject frame) {
    Object b = frame.getValue("body");
    return b instanceof JsonObject o ? o : new JsonObject();
  }

  static boolean isStatus(JsonObject frame, String id, String status) {
    JsonObject b = body(frame);
    return "job_status_changed".equals(b.getString("type")) && id.equals(b.getString("job_id"))
        && status.equals(b.getString("status"));
  }
}
