package io.trainyard.providers.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;

/**
 * A local stand-in for Replicate's HTTP API, for tests and for trying cloud jobs without an account
 * ({@code scripts/cloud-demo}). It is test code: it never ships in the fat jar. It speaks the documented
 * shapes ({@link ReplicateApi}): Bearer token, trainings and predictions (create, get, list as
 * {@code {next, previous, results}} pages of 100 newest first with absolute {@code ?cursor=} next URLs,
 * cancel), {@code /v1/account}, errors as {@code {detail, status}}.
 *
 * <p>Jobs only move when told to (or on autopilot). Test controls, no token needed, each also a Java
 * method below ({@link ControlRoutes}):
 * <ul>
 *   <li>{@code POST /_control/jobs/{id}} {@code {status?, logs? (appended), set_logs?, error?, predict_time?, output?}}</li>
 *   <li>{@code GET /_control/jobs}; {@code POST /_control/seed {kind, count, status?}} (jobs made outside Trainyard)</li>
 *   <li>{@code POST /_control/faults {status: 429|500|503, count, retry_after?, route?}}: the next {@code count} API
 *       requests (of {@code route}, e.g. {@code "GET /v1/trainings/{id}"} or a prefix ending in {@code *}) fail</li>
 *   <li>{@code GET /_control/requests} counts per route and path; {@code POST /_control/requests/reset}</li>
 *   <li>{@code POST /_control/webhooks {secret, url?, enabled?}}: deliver signed Standard Webhooks on changes
 *       (to {@code url}, else to each job's own {@code webhook}); {@code GET /_control/webhooks} lists deliveries</li>
 *   <li>{@code POST /_control/autopilot {enabled, step_ms?, steps?}}: new jobs run by themselves
 *       (set {@code input.fake_outcome} to end as failed/canceled/aborted instead of succeeded)</li>
 *   <li>{@code POST /_control/reset}: forget jobs, deliveries, pending faults and counts</li>
 * </ul>
 *
 * <p>Thread-safe: HTTP handlers, timers and test threads use it at once. Each part has its own monitor:
 * {@link JobStore} (jobs), {@link WebhookSender} (settings and deliveries; taken after the store's, never
 * before), {@link Faults} (fault budget and counts) and {@link Autopilot} (settings).
 */
public final class FakeReplicate {
  public static final String DEFAULT_TOKEN = "r8_fake_token";

  private final String token;
  private final Faults faults = new Faults();
  private final WebhookSender webhooks;
  private final JobStore store;
  private final Autopilot autopilot;
  private HttpServer server;
  private volatile String url; // known once listening; jobs and list pages carry absolute URLs

  private FakeReplicate(Vertx vertx, String token) {
    this.token = token;
    this.webhooks = new WebhookSender(vertx);
    this.store = new JobStore(this::url, webhooks);
    this.autopilot = new Autopilot(vertx, store);
  }

  /** Starts the fake on 127.0.0.1:{@code port} (0 = any free port). */
  public static Future<FakeReplicate> start(Vertx vertx, int port, String token) {
    FakeReplicate fake = new FakeReplicate(vertx, token);
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(4 * 1024 * 1024));
    new ReplicateApi(token, fake.store, fake.faults, fake.autopilot, fake::url).mount(r);
    new ControlRoutes(fake).mount(r);
    return vertx.createHttpServer().requestHandler(r).listen(port, "127.0.0.1").map(s -> {
      fake.server = s;
      fake.url = "http://127.0.0.1:" + s.actualPort();
      return fake;
    }).onFailure(e -> fake.webhooks.close());
  }

  public String url() {
    return url;
  }

  public String token() {
    return token;
  }

  public Future<Void> close() {
    webhooks.close();
    return server.close();
  }

  /**
   * Changes a job as the provider would: a new status (started_at / completed_at follow), logs appended
   * (or replaced with {@code setLogs}), error, billed seconds, output. Delivers the matching webhook.
   */
  public JsonObject update(String id, String status, String appendLogs, String setLogs, Object error,
                           Double predictTime, Object output) {
    return store.update(id, status, appendLogs, setLogs, error, predictTime, output);
  }

  /** What a submission asked for: {@code {webhook, webhook_events_filter}} (null values when it did not). */
  public JsonObject submissionWebhook(String id) {
    return store.submissionWebhook(id);
  }

  /** Shorthand: move a job to a provider status. */
  public JsonObject advance(String id, String status) {
    return update(id, status, null, null, null, null, null);
  }

  public JsonObject appendLogs(String id, String text) {
    return update(id, null, text, null, null, null, null);
  }

  public JsonObject setPredictTime(String id, double seconds) {
    return update(id, null, null, null, null, seconds, null);
  }

  /** Cancels the job unless it has finished; answers it either way. */
  public JsonObject cancel(String id) {
    JsonObject job = store.cancel(null, id);
    if (job == null) {
      throw new IllegalArgumentException("no job " + id);
    }
    return job;
  }

  /** Jobs created outside Trainyard (the web UI, another tool), oldest first; answers their ids. */
  public List<String> seed(String kind, int count, String status) {
    return store.seed(kind, count, status);
  }

  /** The next {@code count} API requests fail with {@code status} (429 carries Retry-After). */
  public void injectFaults(int status, int count, long retryAfterSeconds) {
    injectFaults(status, count, retryAfterSeconds, null);
  }

  /**
   * Like {@link #injectFaults(int, int, long)} but only for requests of one route, e.g.
   * {@code "POST /v1/models/{owner}/{name}/versions/{id}/trainings"}, or a prefix ending in {@code *}.
   */
  public void injectFaults(int status, int count, long retryAfterSeconds, String route) {
    faults.inject(status, count, retryAfterSeconds, route);
  }

  /** {@code {total, by_route, by_path}}. */
  public JsonObject requests() {
    return faults.requests();
  }

  public long requestCount() {
    return faults.count();
  }

  /** Requests for one route, e.g. {@code "GET /v1/trainings/{id}"}. */
  public long requestCount(String route) {
    return faults.count(route);
  }

  public void resetRequests() {
    faults.resetCounts();
  }

  /** Deliver signed webhooks: to {@code url} if given, else to each job's own webhook URL. */
  public void webhooks(String secret, String url, boolean enabled) {
    webhooks.configure(secret, url, enabled);
  }

  public JsonArray deliveries() {
    return webhooks.deliveries();
  }

  /** New API-created jobs run by themselves: processing, {@code steps} log lines {@code stepMs} apart, then done. */
  public void autopilot(boolean enabled, long stepMs, int steps) {
    autopilot.configure(enabled, stepMs, steps);
  }

  /** Every job, newest first, as {@code {results}}. */
  public JsonObject allJobs() {
    return store.all();
  }

  /** Forgets jobs, deliveries, pending faults and counts; keeps the webhook and autopilot settings. */
  public void reset() {
    store.clear();
    webhooks.clear();
    faults.reset();
  }

  /**
   * {@code java -cp target/test-classes:target/trainyard-fat.jar io.trainyard.providers.fake.FakeReplicate
   * [port] [--manual] [--step-ms N] [--steps N] [--webhook-secret whsec_...]}: runs the fake until killed
   * (see {@code scripts/cloud-demo}). New jobs run on autopilot unless {@code --manual}. Token:
   * {@code FAKE_REPLICATE_TOKEN} or {@value #DEFAULT_TOKEN}.
   */
  public static void main(String[] args) {
    Launcher.run(args);
  }
}
