package io.trainyard.notifications;

import io.trainyard.providers.WebhookVerifier;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notification endpoints against a real HTTP receiver: signed deliveries of a job's end, retries of a
 * refused delivery with the same message id, per-user isolation, and validation of what is registered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsTest {
  private TestServer server;
  private Vertx receiverVertx;
  private HttpServer receiver;
  /** Every request the receiver got, in order. */
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** How many more requests to a path the receiver refuses with 500 before accepting them. */
  private final Map<String, AtomicInteger> refusePath = new ConcurrentHashMap<>();

  record Received(String path, String id, String timestamp, String signature, byte[] body) {
    JsonObject json() {
      return new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @BeforeAll
  void start() {
    receiverVertx = Vertx.vertx();
    receiver = receiverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Received r = new Received(req.path(), req.getHeader("webhook-id"), req.getHeader("webhook-timestamp"),
          req.getHeader("webhook-signature"), body.getBytes());
      received.add(r);
      AtomicInteger refusals = refusePath.get(req.path());
      boolean refuse = refusals != null && refusals.getAndDecrement() > 0;
      req.response().setStatusCode(refuse ? 500 : 204).end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    server = TestServer.start(conf -> {
      conf.put("notifications", new JsonObject().put("allow_private", true).put("retry_base_ms", 100).put("poll_ms", 100));
    });
  }

  @AfterAll
  void stop() {
    server.close();
    receiverVertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  private List<Received> to(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Test
  void aFinishedJobIsDeliveredSignedWithTheEndpointsOwnSecretAndNeverAnotherUsersJob() {
    Api alice = server.user("notified-alice", "parallel");
    Api bob = server.user("notified-bob", "parallel");
    JsonObject endpoint = alice.post("/api/notifications", new JsonObject().put("url", url("/alice"))
        .put("events", new JsonArray().add("job.succeeded").add("job.failed"))).expect(200).json().getJsonObject("endpoint");
    String secret = endpoint.getString("secret");
    assertTrue(secret.startsWith("whsec_"), "the secret is shown at creation");

    String bobsJob = bob.awaitStatus(bob.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String ok = alice.awaitStatus(alice.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String bad = alice.awaitStatus(alice.train(new JsonObject().put("gene_size", 9)).getString("job_id"), "failed")
        .getString("job_id");

    Await.until("both of alice's ends delivered", Duration.ofSeconds(30), () -> to("/alice").size() >= 2);
    for (Received r : to("/alice")) {
      WebhookVerifier.Verdict v = new WebhookVerifier(secret).verify(r.id(), r.timestamp(), r.signature(), r.body(),
          Instant.now().getEpochSecond());
      assertTrue(v.ok(), "signature verifies with the endpoint's secret: " + v.reason());
      assertFalse(r.json().encode().contains(bobsJob), "bob's job never reaches alice's endpoint");
    }
    Map<String, String> typeByJob = new java.util.HashMap<>();
    to("/alice").forEach(r -> typeByJob.put(r.json().getJsonObject("job").getString("job_id"), r.json().getString("type")));
    assertEquals(Map.of(ok, "job.succeeded", bad, "job.failed"), typeByJob);
    JsonObject delivered = to("/alice").stream().filter(r -> r.json().getString("type").equals("job.succeeded"))
        .findFirst().orElseThrow().json().getJsonObject("job");
    assertEquals("success", delivered.getString("status"));
    assertNotNull(delivered.getString("model_id"), "the job record as the API shows it");

    JsonObject listed = alice.get("/api/notifications").expect(200).json().getJsonArray("items").getJsonObject(0);
    assertEquals(endpoint.getString("id"), listed.getString("id"));
    assertNull(listed.getString("secret"), "the secret is never shown again");
    Await.until("both counted as delivered", Duration.ofSeconds(10), () -> alice.get("/api/notifications").json()
        .getJsonArray("items").getJsonObject(0).getJsonObject("deliveries").getLong("delivered") == 2);
    assertEquals(0, bob.get("/api/notifications").expect(200).json().getJsonArray("items").size());
    bob.delete("/api/notifications/" + endpoint.getString("id")).problem(404);
    assertEquals(1, alice.get("/api/notifications").json().getJsonArray("items").size(), "bob could not remove it");
  }

  @Test
  void aRefusedDeliveryIsRetriedWithTheSameMessageIdAndStopsOnceAccepted() throws Exception {
    Api carol = server.user("notified-carol", "parallel");
    refusePath.put("/carol", new AtomicInteger(2));
    carol.post("/api/notifications", new JsonObject().put("url", url("/carol"))
        .put("events", new JsonArray().add("job.succeeded"))).expect(200);
    String jobId = carol.awaitStatus(carol.train(new JsonObject()).getString("job_id"), "success").getString("job_id");

    Await.until("accepted on the third attempt", Duration.ofSeconds(30), () -> to("/carol").size() >= 3);
    List<Received> attempts = to("/carol");
    assertEquals(1, attempts.stream().map(Received::id).distinct().count(), "one message id across retries");
    try (Statement st = server.sql().createStatement();
         ResultSet rs = st.executeQuery("SELECT attempts, delivered_at IS NOT NULL, last_status FROM notification_deliveries d"
             + " JOIN notification_endpoints e ON e.id = d.endpoint_id WHERE d.job_id = '" + jobId + "'")) {
      assertTrue(rs.next());
      assertEquals(3, rs.getInt(1), "two refusals, then accepted");
      assertTrue(rs.getBoolean(2), "recorded as delivered");
      assertEquals(204, rs.getInt(3));
      assertFalse(rs.next(), "one delivery for one event");
    }
    // A later event for the same endpoint is delivered after the accepted one was; the accepted one is not sent again.
    String next = carol.awaitStatus(carol.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    Await.until("the next job's delivery", Duration.ofSeconds(30), () -> to("/carol").stream()
        .anyMatch(r -> r.json().getJsonObject("job").getString("job_id").equals(next)));
    assertEquals(3, to("/carol").stream().filter(r -> r.json().getJsonObject("job").getString("job_id").equals(jobId)).count());
  }

  @Test
  void onlyTheSubscribedEventsAreEnqueued() throws Exception {
    Api dave = server.user("notified-dave", "serial");
    dave.post("/api/notifications", new JsonObject().put("url", url("/dave"))
        .put("events", new JsonArray().add("job.canceled"))).expect(200);
    String done = dave.awaitStatus(dave.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String slow = dave.awaitStatus(dave.train(new JsonObject().put("epochs", 400)).getString("job_id"), "running")
        .getString("job_id");
    dave.post("/api/jobs/" + slow + "/cancel", null).expect(200);
    dave.awaitStatus(slow, "canceled");
    Await.until("the cancel delivered", Duration.ofSeconds(30), () -> !to("/dave").isEmpty());
    assertEquals("job.canceled", to("/dave").get(0).json().getString("type"));
    try (Statement st = server.sql().createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM notification_deliveries WHERE job_id = '" + done + "'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "a success is not enqueued for an endpoint that only wants cancels");
    }
  }

  @Test
  void badRegistrationsAre400sNamingTheFieldAndCreateNothing() {
    Api erin = server.user("notified-erin", "serial");
    assertEquals("url", field(erin.post("/api/notifications", new JsonObject().put("url", "ftp://example.com/x")
        .put("events", new JsonArray().add("job.failed")))));
    assertEquals("url", field(erin.post("/api/notifications", new JsonObject().put("url", "http://user:pw@example.com/")
        .put("events", new JsonArray().add("job.failed")))));
    assertEquals("events", field(erin.post("/api/notifications", new JsonObject().put("url", url("/erin"))
        .put("events", new JsonArray().add("job.exploded")))));
    assertEquals("events", field(erin.post("/api/notifications", new JsonObject().put("url", url("/erin"))
        .put("events", new JsonArray()))));
    assertEquals("secret", field(erin.post("/api/notifications", new JsonObject().put("url", url("/erin"))
        .put("events", new JsonArray().add("job.failed")).put("secret", "mine"))));
    assertEquals(0, erin.get("/api/notifications").json().getJsonArray("items").size());
    erin.delete("/api/notifications/ntf_nope").problem(404);
    erin.delete("/api/notifications/..%2F..").problem(404);
  }

  private static String field(Api.Res res) {
    return res.problem(400).getJsonArray("errors").getJsonObject(0).getString("field");
  }
}
