package io.trainyard.notifications;

import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobStatus;
import io.trainyard.providers.WebhookVerifier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Sends due notification deliveries, on every node. A pass leases up to {@link #BATCH} due rows
 * (FOR UPDATE SKIP LOCKED, so nodes never take the same row; the lease outlives any send, so a node
 * that dies mid-send leaves the row to be retried later), POSTs each as a Standard Webhooks message,
 * and records the outcome: delivered on a 2xx, else retried with doubling backoff until
 * {@code notifications.give_up_hours} after the event. The message id stays the same across
 * retries, so a receiver that saw a delivery whose acknowledgement was lost can drop the repeat.
 */
public final class NotificationsVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(NotificationsVerticle.class.getName());
  static final int BATCH = 32;
  private static final String CLAIM = """
      WITH claimed AS (
        UPDATE notification_deliveries d SET attempts = attempts + 1,
               next_at = clock_timestamp() + make_interval(secs => $1)
         WHERE id IN (SELECT id FROM notification_deliveries
                       WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_at <= clock_timestamp()
                       ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.*)
      SELECT c.id, c.job_id, c.event, c.job_status, c.attempts, c.created_at, e.url, e.secret_sealed, e.owner_user_id
        FROM claimed c JOIN notification_endpoints e ON e.id = c.endpoint_id ORDER BY c.id""";

  private final Pool pool;
  private final JobRepository jobs;
  private final Future<SecretBox> box;
  private final Destinations destinations;
  private final JsonObject conf;
  private final long timeoutMs;
  private WebClient client;
  private boolean running;
  private boolean again;
  private long passes;
  private long sent;
  private long delivered;
  private long failedAttempts;
  private long givenUp;

  NotificationsVerticle(Pool pool, JobRepository jobs, Future<SecretBox> box, Destinations destinations, JsonObject conf) {
    this.pool = pool;
    this.jobs = jobs;
    this.box = box;
    this.destinations = destinations;
    this.conf = conf;
    this.timeoutMs = conf.getLong("timeout_ms", 10_000L);
  }

  @Override
  public Future<?> start() {
    // Nothing is sent before the sealing key is known; a node that cannot get it does not start.
    return box.compose(b -> started());
  }

  private Future<?> started() {
    // Redirects are not followed: a redirect could lead to an address the destination check refused.
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
        .setConnectTimeout((int) Math.min(timeoutMs, 10_000)).setUserAgent("Trainyard-Notifications"));
    vertx.eventBus().localConsumer(NotificationsApi.WAKE, m -> wake());
    vertx.eventBus().<JsonObject>localConsumer(JobEvents.ALL, m -> {
      String status = m.body().getString("status");
      if ("job_status_changed".equals(m.body().getString("type")) && status != null
          && JobStatus.isWire(status) && JobStatus.of(status).isTerminal()) {
        wake();
      }
    });
    vertx.eventBus().localConsumer(NotificationsApi.STATS, m -> m.reply(new JsonObject().put("passes", passes)
        .put("sent", sent).put("delivered", delivered).put("failed_attempts", failedAttempts).put("given_up", givenUp)));
    vertx.setPeriodic(conf.getLong("poll_ms", 1000L), id -> wake());
    return Future.succeededFuture();
  }

  private void wake() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    pass().onComplete(ar -> {
      if (ar.failed()) {
        LOG.fine("notification pass failed: " + ar.cause());
      }
      running = false;
      if (again) {
        wake();
      }
    });
  }

  private Future<Void> pass() {
    passes++;
    long leaseSeconds = Math.max(60, 3 * timeoutMs / 1000);
    return pool.preparedQuery(CLAIM).execute(Tuple.of(leaseSeconds, BATCH)).compose(rows -> {
      List<Future<Void>> sends = new ArrayList<>();
      rows.forEach(r -> sends.add(send(Delivery.from(r))));
      // A full batch means more may be due: go again at once rather than at the next poll.
      if (rows.size() == BATCH) {
        again = true;
      }
      return Future.join(sends).mapEmpty();
    });
  }

  private Future<Void> send(Delivery d) {
    // Whatever fails before or during the POST counts as this attempt's failure: retried with backoff,
    // and given up on at the deadline, never left to come back with its lease forever.
    return attempt(d).recover(err -> retryOrGiveUp(d, null, String.valueOf(err.getMessage())));
  }

  private Future<Void> attempt(Delivery d) {
    return jobs.find(d.jobId(), null).compose(found -> {
      if (found.isPresent() && found.get().ownerId() != d.ownerId()) {
        // Never tell an endpoint about a job that is not its owner's.
        return finish(d, null, "the job no longer belongs to this endpoint's owner", true);
      }
      JsonObject job = found.map(Job::toJson)
          .orElseGet(() -> new JsonObject().put("job_id", d.jobId()).put("status", d.jobStatus()).put("deleted", true));
      return vertx.executeBlocking(() -> destinations.decide(d.url()), false).compose(where -> where.refusal() != null
          ? retryOrGiveUp(d, null, where.refusal())
          : post(d, new JsonObject().put("type", d.event()).put("job", job), where.address()));
    });
  }

  /** @param address the checked address to connect to, or null to let the client resolve the host */
  private Future<Void> post(Delivery d, JsonObject message, java.net.InetAddress address) {
    Buffer body = message.toBuffer();
    long now = Instant.now().getEpochSecond();
    sent++;
    io.vertx.core.http.RequestOptions target = new io.vertx.core.http.RequestOptions().setAbsoluteURI(d.url());
    if (address != null) {
      // Host header and TLS server name stay the URL's; only the connection goes to the checked address.
      target.setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(target.getPort(), address.getHostAddress()));
    }
    return client.request(io.vertx.core.http.HttpMethod.POST, target).timeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader("webhook-id", d.webhookId())
        .putHeader("webhook-timestamp", Long.toString(now))
        .putHeader("webhook-signature", WebhookVerifier.sign(box.result().open(d.sealedSecret()), d.webhookId(), now, body.getBytes()))
        .sendBuffer(body)
        .transform(ar -> {
          HttpResponse<Buffer> res = ar.succeeded() ? ar.result() : null;
          if (res != null && res.statusCode() / 100 == 2) {
            delivered++;
            return finish(d, res.statusCode(), null, false);
          }
          String error = res != null ? "HTTP " + res.statusCode() : String.valueOf(ar.cause().getMessage());
          return retryOrGiveUp(d, res == null ? null : res.statusCode(), error);
        });
  }

  private Future<Void> retryOrGiveUp(Delivery d, Integer status, String error) {
    failedAttempts++;
    long base = conf.getLong("retry_base_ms", 5000L);
    long delayMs = Math.min(3_600_000L, base << Math.min(20, d.attempt() - 1));
    Instant next = Instant.now().plusMillis(delayMs);
    Instant deadline = d.createdAt().toInstant().plus(Duration.ofMinutes(
        (long) (conf.getDouble("give_up_hours", 24.0) * 60)));
    if (next.isAfter(deadline)) {
      return finish(d, status, error, true);
    }
    return pool.preparedQuery("""
            UPDATE notification_deliveries SET next_at = clock_timestamp() + make_interval(secs => $2),
                   last_status = $3, last_error = $4 WHERE id = $1""")
        .execute(Tuple.of(d.id(), delayMs / 1000.0, status, error)).mapEmpty();
  }

  private Future<Void> finish(Delivery d, Integer status, String error, boolean gaveUp) {
    if (gaveUp) {
      givenUp++;
      LOG.warning("notification " + d.webhookId() + " for " + d.jobId() + " given up: " + error);
    }
    return pool.preparedQuery("UPDATE notification_deliveries SET " + (gaveUp ? "given_up_at" : "delivered_at")
            + " = clock_timestamp(), last_status = $2, last_error = $3 WHERE id = $1")
        .execute(Tuple.of(d.id(), status, error)).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    if (client != null) {
      client.close();
    }
    return Future.succeededFuture();
  }
}
