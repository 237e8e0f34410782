package io.trainyard.providers;

import io.trainyard.app.AppConfig;
import io.trainyard.providers.fake.FakeReplicate;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A fake Replicate on its own Vert.x and a real Trainyard node pointed at it. */
final class CloudFixture implements AutoCloseable {
  static final String TOKEN = "r8_test_token";
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("trainyard-test-secret-32-bytes!!".getBytes());
  final Vertx vertx;
  final FakeReplicate fake;
  final TestServer server;

  private CloudFixture(Vertx vertx, FakeReplicate fake, TestServer server) {
    this.vertx = vertx;
    this.fake = fake;
    this.server = server;
  }

  /** Fake plus server; {@code tweak} adjusts the server's config after the provider keys are set. */
  static CloudFixture start(Consumer<JsonObject> tweak) {
    Vertx vertx = Vertx.vertx();
    FakeReplicate fake = FakeReplicate.start(vertx, 0, TOKEN).await();
    TestServer server = TestServer.start(conf -> {
      AppConfig.put(conf, "providers.replicate.base_url", fake.url());
      AppConfig.put(conf, "providers.replicate.api_token", TOKEN);
      AppConfig.put(conf, "background.job_status_polling.interval_ms", 200);
      tweak.accept(conf);
    });
    return new CloudFixture(vertx, fake, server);
  }

  static void webhooks(JsonObject conf) {
    AppConfig.put(conf, "providers.replicate.webhook_secret", SECRET);
    // Port 9 (discard): the fake is told where to deliver; this only makes submissions ask for webhooks.
    AppConfig.put(conf, "providers.replicate.webhook_url", "http://127.0.0.1:9/api/webhooks/replicate");
  }

  String webhookUrl() {
    return server.baseUrl() + "/api/webhooks/replicate";
  }

  static JsonObject training(String extraInput) {
    return new JsonObject().put("provider", "replicate").put("kind", "training")
        .put("version", "acme/flux-dev:4b2f0c1d9e").put("destination", "alice/my-flux")
        .put("input", new JsonObject().put("steps", 1000).put("note", extraInput));
  }

  static JsonObject prediction(String hardware) {
    JsonObject b = new JsonObject().put("kind", "prediction").put("version", "acme/sdxl:39ed52f2a7")
        .put("input", new JsonObject().put("prompt", "a train yard at dawn"));
    return hardware == null ? b : b.put("hardware", hardware);
  }

  static JsonObject submit(Api api, JsonObject body) {
    return api.post("/api/cloud/jobs", body).expect(200).json().getJsonObject("job");
  }

  static JsonObject await(Api api, String id, Predicate<JsonObject> until) {
    return api.awaitJob(id, until, Duration.ofSeconds(20));
  }

  static JsonObject awaitStatus(Api api, String id, String status) {
    return await(api, id, j -> status.equals(j.getString("status")));
  }

  static void eventually(BooleanSupplier condition, Duration timeout, String what) {
    Await.until(what, timeout, condition);
  }

  JsonObject poller() {
    return server.api().get("/api/health").expect(200).json().getJsonObject("poller");
  }

  /** Waits until the poller has completed {@code n} more cycles than now; answers the last one. */
  JsonObject awaitCycles(int n) {
    long target = poller().getLong("cycles") + n;
    return Await.until(n + " more poll cycles (to " + target + ")", Duration.ofSeconds(30), this::poller,
        p -> p.getLong("cycles") >= target).getJsonObject("last_cycle");
  }

  /** Posts a Standard Webhooks delivery of a provider object, signed with {@code secret}. */
  Api.Res deliver(JsonObject object, String webhookId, long timestamp, String secret) {
    byte[] body = object.encode().getBytes(StandardCharsets.UTF_8);
    String sig = WebhookVerifier.sign(secret, webhookId, timestamp, body);
    return new Api(server.baseUrl()).send(HttpRequest.newBuilder(URI.create(webhookUrl()))
        .header("Content-Type", "application/json").header("webhook-id", webhookId)
        .header("webhook-timestamp", String.valueOf(timestamp)).header("webhook-signature", sig)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  Api.Res deliver(JsonObject object) {
    return deliver(object, "msg_" + UUID.randomUUID(), Instant.now().getEpochSecond(), SECRET);
  }

  /** The fake's current object of a job. */
  JsonObject providerObject(String externalId) {
    return fake.allJobs().getJsonArray("results").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals(externalId)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    server.close();
    fake.close().await();
    vertx.close().await();
  }
}
