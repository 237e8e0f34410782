package io.trainyard.providers;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static io.trainyard.providers.CloudFixture.SECRET;
import static io.trainyard.providers.CloudFixture.await;
import static io.trainyard.providers.CloudFixture.awaitStatus;
import static io.trainyard.providers.CloudFixture.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook mode: a webhook URL is configured, so the poller is off by default and the fake delivers
 * signed Standard Webhooks to the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudWebhookTest {
  private CloudFixture fx;
  private Api alice;

  @BeforeAll
  void start() {
    fx = CloudFixture.start(CloudFixture::webhooks);
    fx.fake.webhooks(SECRET, fx.webhookUrl(), true);
    alice = fx.server.user("alice", "serial");
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void thePollerIsOffWhenAWebhookUrlIsConfigured() {
    JsonObject poller = fx.poller();
    assertFalse(poller.getBoolean("enabled"));
    assertEquals("disabled", poller.getString("state"));
    assertNull(poller.getValue("next_poll_at"));
  }

  @Test
  void everySubmissionAsksForStartLogsAndCompletedEvents() {
    JsonObject job = submit(alice, CloudFixture.prediction(null));
    JsonObject asked = fx.fake.submissionWebhook(job.getString("external_id"));
    assertEquals("http://127.0.0.1:9/api/webhooks/replicate", asked.getString("webhook"));
    assertEquals(new JsonArray().add("start").add("logs").add("completed"), asked.getJsonArray("webhook_events_filter"));
  }

  @Test
  void aSignedDeliveryAppliesAtOnceWithoutPolling() {
    JsonObject job = submit(alice, CloudFixture.training("hooked"));
    String id = job.getString("job_id");
    String ext = job.getString("external_id");
    long before = fx.fake.requestCount("GET /v1/trainings/{id}");
    fx.fake.update(ext, "processing", "warming up\nstep 10/40\n", null, null, null, null);
    JsonObject running = await(alice, id, j -> "running".equals(j.getString("status")) && j.getDouble("progress") != null);
    assertEquals(25.0, running.getDouble("progress"));
    fx.fake.update(ext, "succeeded", "step 40/40\n", null, null, 60.0, null);
    JsonObject done = awaitStatus(alice, id, "success");
    assertEquals(0.0585, done.getDouble("cost_usd"), 1e-9);
    assertEquals(before, fx.fake.requestCount("GET /v1/trainings/{id}"), "nobody polled");
    // Every delivery was answered 200, the "start" one too (it can overtake our write of the job's id).
    CloudFixture.eventually(() -> fx.fake.deliveries().stream().map(o -> (JsonObject) o)
        .filter(d -> ext.equals(d.getString("job_id"))).allMatch(d -> d.getValue("status_code") != null),
        Duration.ofSeconds(5), "answers to all deliveries");
    assertTrue(fx.fake.deliveries().stream().map(o -> (JsonObject) o)
        .filter(d -> ext.equals(d.getString("job_id"))).allMatch(d -> Integer.valueOf(200).equals(d.getInteger("status_code"))),
        fx.fake.deliveries().encode());
  }

  @Test
  void aBadOrMissingSignatureIs401AndChangesNothing() throws Exception {
    JsonObject job = submit(alice, CloudFixture.training("forged"));
    String id = job.getString("job_id");
    JsonObject forged = fx.providerObject(job.getString("external_id")).put("status", "succeeded")
        .put("metrics", new JsonObject().put("predict_time", 1e6));
    String other = "whsec_" + Base64.getEncoder().encodeToString("someone-else-entirely".getBytes());
    JsonObject p = fx.deliver(forged, "msg_forged1", Instant.now().getEpochSecond(), other).problem(401);
    assertTrue(p.getString("detail").contains("signature"), p.encode());
    fx.deliver(forged, "msg_old1", Instant.now().getEpochSecond() - 400, SECRET).problem(401);
    Api.Res unsigned = new Api(fx.server.baseUrl()).send(HttpRequest.newBuilder(URI.create(fx.webhookUrl()))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(forged.encode())));
    unsigned.problem(401);
    JsonObject after = alice.job(id);
    assertEquals("queued", after.getString("status"));
    assertNull(after.getValue("cost_usd"));
    // The refused ids were not recorded, so they do not block a genuine delivery with the same id.
    JsonObject ok = fx.deliver(forged, "msg_forged1", Instant.now().getEpochSecond(), SECRET).expect(200).json();
    assertTrue(ok.getBoolean("applied"));
  }

  @Test
  void deliveriesAndProviderRequestsAreCountedByOutcome() {
    String applied = "trainyard_webhook_deliveries_total{outcome=\"applied\"}";
    String forged = "trainyard_webhook_deliveries_total{outcome=\"bad_signature\"}";
    String unknown = "trainyard_webhook_deliveries_total{outcome=\"unknown_job\"}";
    String created = "trainyard_provider_requests_total{outcome=\"ok\",provider=\"replicate\",route=\"create\"}";
    String before = scrape();
    JsonObject job = submit(alice, CloudFixture.prediction(null));
    JsonObject obj = fx.providerObject(job.getString("external_id")).put("status", "processing");
    fx.deliver(obj, "msg_metered_1", Instant.now().getEpochSecond(), SECRET).expect(200);
    String other = "whsec_" + Base64.getEncoder().encodeToString("not-our-secret-at-all".getBytes());
    fx.deliver(obj, "msg_metered_2", Instant.now().getEpochSecond(), other).problem(401);
    fx.deliver(new JsonObject().put("id", "nosuchjob_metered").put("status", "succeeded")).expect(200);
    String after = scrape();
    // The fake provider also delivers its own "start" event for the submission, so at least ours.
    assertTrue(value(after, applied) - value(before, applied) >= 1.0);
    assertEquals(1.0, value(after, forged) - value(before, forged));
    assertEquals(1.0, value(after, unknown) - value(before, unknown));
    assertEquals(1.0, value(after, created) - value(before, created), "the submission's create request");
  }

  /** Audit finding 6: Replicate sends the whole prediction with its cumulative logs; 1 MiB was too little. */
  @Test
  void aDeliveryOfSeveralMegabytesIsAppliedAndOnlyBeyond16MiBRefused() {
    JsonObject job = submit(alice, CloudFixture.prediction(null));
    String logs = ("step 7/10 " + "y".repeat(90) + "\n").repeat(30_000); // ~3 MiB
    JsonObject obj = fx.providerObject(job.getString("external_id")).put("status", "processing").put("logs", logs);
    fx.deliver(obj).expect(200);
    JsonObject running = await(alice, job.getString("job_id"), j -> "running".equals(j.getString("status")));
    assertEquals(70.0, running.getDouble("progress"));
    JsonObject huge = obj.copy().put("logs", "z".repeat(17 * 1024 * 1024));
    fx.deliver(huge).problem(413);
    // The rest of the API keeps its 1 MiB.
    alice.postRaw("/api/jobs/train", "{\"dataset_id\": \"" + "d".repeat(1_100_000) + "\"}").problem(413);
  }

  private String scrape() {
    return fx.server.api().get("/metrics").expect(200).body();
  }

  /** A counter's value (0 before its first increment). */
  private static double value(String scrape, String sample) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^" + java.util.regex.Pattern.quote(sample) + " (\\S+)$",
        java.util.regex.Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  @Test
  void aReplayedWebhookIdIsIgnoredAndRemembered() throws Exception {
    JsonObject job = submit(alice, CloudFixture.prediction(null));
    JsonObject obj = fx.providerObject(job.getString("external_id")).put("status", "processing");
    long ts = Instant.now().getEpochSecond();
    JsonObject first = fx.deliver(obj, "msg_replay_1", ts, SECRET).expect(200).json();
    assertEquals("running", first.getString("status"));
    JsonObject second = fx.deliver(obj.copy().put("status", "failed"), "msg_replay_1", ts, SECRET).expect(200).json();
    // The signature covers the body, so a different body needs a fresh signature: it still carries the seen id.
    assertTrue(second.getString("ignored").contains("duplicate"), second.encode());
    assertEquals("running", alice.job(job.getString("job_id")).getString("status"));
    try (Connection c = fx.server.sql(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 'msg_replay_1'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "kept in PostgreSQL, so it holds across nodes and restarts");
    }
  }

  @Test
  void aDeliveryForAJobWeDoNotHaveIsAcknowledgedAndIgnored() {
    JsonObject obj = new JsonObject().put("id", "nosuchjob123").put("status", "succeeded");
    JsonObject r = fx.deliver(obj).expect(200).json();
    assertTrue(r.getString("ignored").contains("nosuchjob123"), r.encode());
    fx.deliver(new JsonObject().put("no", "id")).problem(400);
    fx.server.api().postRaw("/api/webhooks/nimbus", "{}").problem(404);
  }

  @Test
  void aLateWebhookNeverTakesATerminalJobBack() {
    JsonObject job = submit(alice, CloudFixture.training("late"));
    String id = job.getString("job_id");
    JsonObject obj = fx.providerObject(job.getString("external_id"));
    fx.deliver(obj.copy().put("status", "canceled")).expect(200);
    assertEquals("canceled", awaitStatus(alice, id, "canceled").getString("status"));
    fx.deliver(obj.copy().put("status", "processing").put("logs", "step 1/2\n")).expect(200);
    fx.deliver(obj.copy().put("status", "succeeded").put("metrics", new JsonObject().put("predict_time", 5))).expect(200);
    JsonObject still = alice.job(id);
    assertEquals("canceled", still.getString("status"));
    assertNull(still.getValue("cost_usd"));
  }

  @Test
  void inlineProgressAndSyncActiveTalkToTheProviderOnlyWhenAsked() {
    JsonObject job = submit(alice, CloudFixture.training("quiet"));
    String id = job.getString("job_id");
    String ext = job.getString("external_id");
    fx.fake.webhooks(SECRET, fx.webhookUrl(), false); // changes now reach us only by asking
    try {
      fx.fake.update(ext, "processing", "epoch 2/10\n", null, null, null, null);
      long before = fx.fake.requestCount();
      JsonObject inline = alice.get("/api/cloud/jobs/" + id + "/inline-progress").expect(200).json();
      assertNull(inline.getValue("progress"), "still queued here: nothing was asked");
      assertEquals(before, fx.fake.requestCount(), "inline progress never calls the provider");
      JsonObject plain = alice.get("/api/cloud/jobs").expect(200).json();
      assertFalse(plain.containsKey("sync_error"));
      assertEquals(before, fx.fake.requestCount());

      JsonObject synced = alice.get("/api/cloud/jobs?sync_active=true&limit=1000").expect(200).json();
      assertNull(synced.getValue("sync_error"));
      assertTrue(fx.fake.requestCount() > before);
      JsonObject listed = synced.getJsonArray("jobs").stream().map(o -> (JsonObject) o)
          .filter(j -> id.equals(j.getString("job_id"))).findFirst().orElseThrow();
      assertEquals("running", listed.getString("status"));
      assertEquals(20.0, listed.getDouble("progress"));
      assertEquals(20.0, alice.get("/api/cloud/jobs/" + id + "/inline-progress").json().getDouble("progress"));

      fx.fake.injectFaults(503, 1000, 1, "GET /v1/trainings/{id}");
      JsonObject troubled = alice.get("/api/cloud/jobs?sync_active=true").expect(200).json();
      assertNotNull(troubled.getString("sync_error"));
      assertTrue(troubled.getString("sync_error").contains("503"), troubled.encode());
      assertTrue(troubled.getInteger("total") > 0, "the local list is still answered");
      assertEquals("running", alice.job(id).getString("status"), "provider trouble never fails a job");
    } finally {
      fx.fake.injectFaults(503, 0, 1);
      fx.fake.webhooks(SECRET, fx.webhookUrl(), true);
    }
  }

  @Test
  void theWebhookRouteNeedsNoSessionButEverythingElseDoes() {
    fx.server.api().get("/api/cloud/jobs").problem(401);
    fx.server.api().post("/api/cloud/jobs", CloudFixture.training("anon")).problem(401);
    fx.server.api().get("/api/cloud/providers/replicate/validate").problem(401);
  }
}
