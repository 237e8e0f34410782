package io.trainyard.providers.fake;

import io.trainyard.providers.WebhookVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Posts Standard Webhooks (signed like Replicate's, with the account's {@code whsec_} secret) on job
 * changes, and records every delivery with the receiver's answer so tests can look.
 *
 * <p>Its own monitor guards the settings and records. The {@link JobStore} calls {@link #deliver} with
 * the store's monitor held (always store, then sender; the sender never calls back), so the body signed
 * is the job exactly as of that change. The POST itself is asynchronous.
 */
final class WebhookSender {
  private final WebClient client;
  private String secret;
  private String target;
  private boolean enabled;
  private final List<JsonObject> deliveries = new ArrayList<>();

  WebhookSender(Vertx vertx) {
    this.client = WebClient.create(vertx);
  }

  /** Deliver to {@code url} if given, else to each job's own webhook; off without a secret. */
  synchronized void configure(String secret, String url, boolean enabled) {
    this.secret = secret;
    this.target = url;
    this.enabled = enabled && secret != null;
  }

  /** Sends {@code event} (start, logs or completed) for the job unless off or filtered out by the job. */
  synchronized void deliver(Job job, String event) {
    if (!enabled) {
      return;
    }
    String url = target != null ? target : job.webhook;
    if (url == null || (job.filter != null && !job.filter.contains(event))) {
      return;
    }
    String id = "msg_" + Job.newId();
    long ts = Instant.now().getEpochSecond();
    byte[] body = job.obj.encode().getBytes(StandardCharsets.UTF_8);
    String signature = WebhookVerifier.sign(secret, id, ts, body);
    JsonObject record = new JsonObject().put("webhook_id", id).put("url", url).put("event", event)
        .put("job_id", job.id()).put("job_status", job.obj.getString("status"));
    deliveries.add(record);
    client.postAbs(url).putHeader("Content-Type", "application/json").putHeader("webhook-id", id)
        .putHeader("webhook-timestamp", String.valueOf(ts)).putHeader("webhook-signature", signature)
        .sendBuffer(Buffer.buffer(body))
        .onComplete(ar -> {
          synchronized (this) {
            record.put("status_code", ar.succeeded() ? ar.result().statusCode() : null)
                .put("failure", ar.failed() ? String.valueOf(ar.cause().getMessage()) : null);
          }
        });
  }

  /** Copies of the records: a late answer may still be filling one in while a test reads. */
  synchronized JsonArray deliveries() {
    JsonArray out = new JsonArray();
    deliveries.forEach(d -> out.add(d.copy()));
    return out;
  }

  synchronized void clear() {
    deliveries.clear();
  }

  void close() {
    client.close();
  }
}
