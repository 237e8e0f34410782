package io.trainyard.providers.fake;

import io.trainyard.providers.WebhookVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A local stand-in for Replicate's HTTP API, for tests, benchmarks and trying cloud jobs without an
 * account. It speaks the documented shapes: Bearer token, trainings and predictions (create, get, list
 * as {@code {next, previous, results}} pages of 100 newest first with absolute {@code ?cursor=} next
 * URLs, cancel), {@code /v1/account}, errors as {@code {detail, status}}.
 *
 * <p>Jobs only move when told to (or on autopilot). Test controls, no token needed:
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
 *   <li>{@code POST /_control/reset}</li>
 * </ul>
 */
public final class FakeReplicate {
  public static final String DEFAULT_TOKEN = "r8_fake_token";
  static final int PAGE = 100;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> TERMINAL = List.of("succeeded", "failed", "canceled", "aborted");

  private final Vertx vertx;
  private final String token;
  private HttpServer server;
  private WebClient client;
  private String url;

  // State; guarded by this (HTTP handlers and test threads both use it).
  private final Map<String, Job> jobs = new HashMap<>();
  private long seq;
  private final Map<String, Long> byRoute = new TreeMap<>();
  private final Map<String, Long> byPath = new TreeMap<>();
  private long total;
  private int faultsLeft;
  private int faultStatus;
  private long retryAfter = 1;
  private String faultRoute;
  private String webhookSecret;
  private String webhookTarget;
  private boolean deliverWebhooks;
  private final List<JsonObject> deliveries = new ArrayList<>();
  private boolean autopilot;
  private long stepMs = 1000;
  private int steps = 10;

  private static final class Job {
    final long seq;
    final String kind;
    final JsonObject obj;
    String webhook;
    JsonArray filter;

    Job(long seq, String kind, JsonObject obj) {
      this.seq = seq;
      this.kind = kind;
      this.obj = obj;
    }
  }

  private FakeReplicate(Vertx vertx, String token) {
    this.vertx = vertx;
    this.token = token;
  }

  /** Starts the fake on 127.0.0.1:{@code port} (0 = any free port). */
  public static Future<FakeReplicate> start(Vertx vertx, int port, String token) {
    FakeReplicate fake = new FakeReplicate(vertx, token);
    fake.client = WebClient.create(vertx);
    return vertx.createHttpServer().requestHandler(fake.router()).listen(port, "127.0.0.1").map(s -> {
      fake.server = s;
      fake.url = "http://127.0.0.1:" + s.actualPort();
      return fake;
    });
  }

  public String url() {
    return url;
  }

  public String token() {
    return token;
  }

  public Future<Void> close() {
    client.close();
    return server.close();
  }

  // ------------------------------------------------------------------ routes

  private Router router() {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(4 * 1024 * 1024));
    r.route("/v1/*").handler(this::gate);
    r.post("/v1/models/:owner/:name/versions/:version/trainings").handler(this::createTraining);
    r.get("/v1/trainings").handler(ctx -> list(ctx, "training"));
    r.get("/v1/trainings/:id").handler(ctx -> get(ctx, "training"));
    r.post("/v1/trainings/:id/cancel").handler(ctx -> cancelRoute(ctx, "training"));
    r.post("/v1/predictions").handler(this::createPrediction);
    r.get("/v1/predictions").handler(ctx -> list(ctx, "prediction"));
    r.get("/v1/predictions/:id").handler(ctx -> get(ctx, "prediction"));
    r.post("/v1/predictions/:id/cancel").handler(ctx -> cancelRoute(ctx, "prediction"));
    r.get("/v1/account").handler(ctx -> json(ctx, 200, new JsonObject().put("type", "user")
        .put("username", "fake-user").put("name", "Fake Replicate user").put("github_url", null)));
    r.route("/v1/*").handler(ctx -> error(ctx, 404, "Not found."));

    r.post("/_control/jobs/:id").handler(ctx -> control(ctx, () -> {
      JsonObject b = body(ctx);
      return update(ctx.pathParam("id"), b.getString("status"), b.getString("logs"), b.getString("set_logs"),
          b.getValue("error"), b.getValue("predict_time") instanceof Number n ? n.doubleValue() : null, b.getValue("output"));
    }));
    r.get("/_control/jobs").handler(ctx -> control(ctx, this::allJobs));
    r.post("/_control/seed").handler(ctx -> control(ctx, () -> {
      JsonObject b = body(ctx);
      return new JsonObject().put("ids", new JsonArray(seed(b.getString("kind", "prediction"),
          b.getInteger("count", 1), b.getString("status", "succeeded"))));
    }));
    r.post("/_control/faults").handler(ctx -> control(ctx, () -> {
      JsonObject b = body(ctx);
      injectFaults(b.getInteger("status", 429), b.getInteger("count", 1), b.getLong("retry_after", 1L), b.getString("route"));
      return new JsonObject().put("ok", true);
    }));
    r.get("/_control/requests").handler(ctx -> control(ctx, this::requests));
    r.post("/_control/requests/reset").handler(ctx -> control(ctx, () -> {
      resetRequests();
      return new JsonObject().put("ok", true);
    }));
    r.post("/_control/webhooks").handler(ctx -> control(ctx, () -> {
      JsonObject b = body(ctx);
      webhooks(b.getString("secret"), b.getString("url"), b.getBoolean("enabled", true));
      return new JsonObject().put("ok", true);
    }));
    r.get("/_control/webhooks").handler(ctx -> control(ctx, () -> new JsonObject().put("deliveries", deliveries())));
    r.post("/_control/autopilot").handler(ctx -> control(ctx, () -> {
      JsonObject b = body(ctx);
      autopilot(b.getBoolean("enabled", true), b.getLong("step_ms", 1000L), b.getInteger("steps", 10));
      return new JsonObject().put("ok", true);
    }));
    r.post("/_control/reset").handler(ctx -> control(ctx, () -> {
      reset();
      return new JsonObject().put("ok", true);
    }));
    return r;
  }

  /** Counts every API request, then applies injected faults, then the token check. */
  private void gate(RoutingContext ctx) {
    String path = ctx.request().path();
    String route = ctx.request().method().name() + " " + template(path);
    int fault;
    long wait;
    synchronized (this) {
      total++;
      byRoute.merge(route, 1L, Long::sum);
      byPath.merge(ctx.request().method().name() + " " + path, 1L, Long::sum);
      boolean applies = faultRoute == null || route.equals(faultRoute)
          || (faultRoute.endsWith("*") && route.startsWith(faultRoute.substring(0, faultRoute.length() - 1)));
      fault = faultsLeft > 0 && applies ? faultStatus : 0;
      if (fault != 0) {
        faultsLeft--;
      }
      wait = retryAfter;
    }
    if (fault == 429) {
      ctx.response().putHeader("Retry-After", String.valueOf(wait));
      error(ctx, 429, "Request was throttled. Expected available in " + wait + " second.");
      return;
    }
    if (fault != 0) {
      error(ctx, fault, "Internal server error (injected)");
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !(auth.equals("Bearer " + token) || auth.equals("Token " + token))) {
      error(ctx, 401, "You did not pass a valid authentication token");
      return;
    }
    ctx.next();
  }

  static String template(String path) {
    return path
        .replaceAll("^/v1/models/[^/]+/[^/]+/versions/[^/]+/trainings$", "/v1/models/{owner}/{name}/versions/{id}/trainings")
        .replaceAll("^/v1/(trainings|predictions)/[^/]+/cancel$", "/v1/$1/{id}/cancel")
        .replaceAll("^/v1/(trainings|predictions)/[^/]+$", "/v1/$1/{id}");
  }

  private void createTraining(RoutingContext ctx) {
    JsonObject b = bodyOrNull(ctx);
    if (b == null || !(b.getValue("input") instanceof JsonObject) || !(b.getValue("destination") instanceof String d)
        || !d.matches("[^/\\s]+/[^/\\s]+")) {
      error(ctx, 422, "destination (owner/name) and input (object) are required");
      return;
    }
    String model = ctx.pathParam("owner") + "/" + ctx.pathParam("name");
    JsonObject obj = create("training", model, ctx.pathParam("version"), b.getJsonObject("input"), "api", "starting",
        b.getString("destination"), b.getString("webhook"), b.getJsonArray("webhook_events_filter"));
    json(ctx, 201, obj);
  }

  private void createPrediction(RoutingContext ctx) {
    JsonObject b = bodyOrNull(ctx);
    if (b == null || !(b.getValue("version") instanceof String version) || version.isBlank()
        || !(b.getValue("input") instanceof JsonObject)) {
      error(ctx, 422, "version (string) and input (object) are required");
      return;
    }
    int colon = version.indexOf(':');
    String model = colon > 0 ? version.substring(0, colon) : "fake/model";
    JsonObject obj = create("prediction", model, colon > 0 ? version.substring(colon + 1) : version,
        b.getJsonObject("input"), "api", "starting", null, b.getString("webhook"), b.getJsonArray("webhook_events_filter"));
    json(ctx, 201, obj);
  }

  private void get(RoutingContext ctx, String kind) {
    JsonObject obj = find(kind, ctx.pathParam("id"));
    if (obj == null) {
      error(ctx, 404, "Not found.");
    } else {
      json(ctx, 200, obj);
    }
  }

  private void cancelRoute(RoutingContext ctx, String kind) {
    if (find(kind, ctx.pathParam("id")) == null) {
      error(ctx, 404, "Not found.");
      return;
    }
    json(ctx, 200, cancel(ctx.pathParam("id")));
  }

  private void list(RoutingContext ctx, String kind) {
    String cursor = ctx.request().getParam("cursor");
    long before = Long.MAX_VALUE;
    if (cursor != null) {
      try {
        before = Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).substring(2));
      } catch (RuntimeException e) {
        error(ctx, 400, "Invalid cursor");
        return;
      }
    }
    List<Job> page;
    boolean more;
    synchronized (this) {
      long limit = before;
      List<Job> matching = jobs.values().stream().filter(j -> j.kind.equals(kind) && j.seq < limit)
          .sorted(Comparator.comparingLong((Job j) -> j.seq).reversed()).toList();
      page = matching.subList(0, Math.min(PAGE, matching.size()));
      more = matching.size() > PAGE;
    }
    JsonArray results = new JsonArray();
    page.forEach(j -> results.add(view(j)));
    String path = url + ctx.request().path();
    String next = more ? path + "?cursor=" + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("s:" + page.get(page.size() - 1).seq).getBytes(StandardCharsets.UTF_8)) : null;
    json(ctx, 200, new JsonObject().put("next", next).put("previous", cursor == null ? null : path).put("results", results));
  }

  // ------------------------------------------------------------------ state (also the Java test API)

  private synchronized JsonObject create(String kind, String model, String version, JsonObject input, String source,
                                         String status, String destination, String webhook, JsonArray filter) {
    String id = newId();
    String collection = kind.equals("training") ? "trainings" : "predictions";
    JsonObject obj = new JsonObject().put("id", id).put("model", model).put("version", version).put("input", input)
        .put("output", null).put("logs", "").put("error", null).put("status", status).put("source", source)
        .put("created_at", Instant.now().toString()).put("started_at", null).put("completed_at", null)
        .put("urls", new JsonObject().put("get", url + "/v1/" + collection + "/" + id)
            .put("cancel", url + "/v1/" + collection + "/" + id + "/cancel"))
        .put("metrics", new JsonObject());
    if (destination != null) {
      obj.put("destination", destination);
    }
    Job job = new Job(++seq, kind, obj);
    job.webhook = webhook;
    job.filter = filter;
    jobs.put(id, job);
    deliver(job, "start");
    if (autopilot && "api".equals(source)) {
      drive(id, 0);
    }
    return obj.copy();
  }

  /**
   * Changes a job as the provider would: a new status (started_at / completed_at follow), logs appended
   * (or replaced with {@code setLogs}), error, billed seconds, output. Delivers the matching webhook.
   */
  public synchronized JsonObject update(String id, String status, String appendLogs, String setLogs, Object error,
                                        Double predictTime, Object output) {
    Job job = jobs.get(id);
    if (job == null) {
      throw new IllegalArgumentException("no job " + id);
    }
    JsonObject o = job.obj;
    String event = null;
    if (setLogs != null) {
      o.put("logs", setLogs);
      event = "logs";
    }
    if (appendLogs != null) {
      o.put("logs", o.getString("logs", "") + appendLogs);
      event = "logs";
    }
    if (error != null) {
      o.put("error", error);
    }
    if (predictTime != null) {
      o.getJsonObject("metrics").put("predict_time", predictTime);
    }
    if (output != null) {
      o.put("output", output);
    }
    if (status != null && !status.equals(o.getString("status"))) {
      o.put("status", status);
      String now = Instant.now().toString();
      if (!status.equals("starting") && o.getString("started_at") == null) {
        o.put("started_at", now);
      }
      if (TERMINAL.contains(status)) {
        o.put("completed_at", now);
        o.getJsonObject("metrics").put("total_time", o.getJsonObject("metrics").getDouble("predict_time", 0.0));
        event = "completed";
      } else if (event == null) {
        event = "logs";
      }
    }
    if (event != null) {
      deliver(job, event);
    }
    return o.copy();
  }

  /** What a submission asked for: {@code {webhook, webhook_events_filter}} (null values when it did not). */
  public synchronized JsonObject submissionWebhook(String id) {
    Job job = jobs.get(id);
    return new JsonObject().put("webhook", job.webhook).put("webhook_events_filter", job.filter);
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

  public synchronized JsonObject cancel(String id) {
    Job job = jobs.get(id);
    if (!TERMINAL.contains(job.obj.getString("status"))) {
      update(id, "canceled", null, null, null, null, null);
    }
    return job.obj.copy();
  }

  /** Jobs created outside Trainyard (the web UI, another tool), oldest first; answers their ids. */
  public synchronized List<String> seed(String kind, int count, String status) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject o = create(kind, "outside/model", "v" + (seq + 1), new JsonObject().put("n", i), "web", "starting",
          kind.equals("training") ? "outside/trained" : null, null, null);
      ids.add(o.getString("id"));
      if (!"starting".equals(status)) {
        update(o.getString("id"), status, "outside job " + i + "\n", null, null, 1.5, null);
      }
    }
    return ids;
  }

  /** The next {@code count} API requests fail with {@code status} (429 carries Retry-After). */
  public synchronized void injectFaults(int status, int count, long retryAfterSeconds) {
    injectFaults(status, count, retryAfterSeconds, null);
  }

  /**
   * Like {@link #injectFaults(int, int, long)} but only for requests of one route, e.g.
   * {@code "POST /v1/models/{owner}/{name}/versions/{id}/trainings"}, or a prefix ending in {@code *}.
   */
  public synchronized void injectFaults(int status, int count, long retryAfterSeconds, String route) {
    faultStatus = status;
    faultsLeft = count;
    retryAfter = retryAfterSeconds;
    faultRoute = route;
  }

  public synchronized JsonObject requests() {
    JsonObject routes = new JsonObject();
    byRoute.forEach(routes::put);
    JsonObject paths = new JsonObject();
    byPath.forEach(paths::put);
    return new JsonObject().put("total", total).put("by_route", routes).put("by_path", paths);
  }

  public synchronized long requestCount() {
    return total;
  }

  /** Requests for one route, e.g. {@code "GET /v1/trainings/{id}"}. */
  public synchronized long requestCount(String route) {
    return byRoute.getOrDefault(route, 0L);
  }

  public synchronized void resetRequests() {
    total = 0;
    byRoute.clear();
    byPath.clear();
  }

  /** Deliver signed webhooks: to {@code url} if given, else to each job's own webhook URL. */
  public synchronized void webhooks(String secret, String url, boolean enabled) {
    this.webhookSecret = secret;
    this.webhookTarget = url;
    this.deliverWebhooks = enabled && secret != null;
  }

  public synchronized JsonArray deliveries() {
    return new JsonArray(new ArrayList<>(deliveries));
  }

  /** New API-created jobs run by themselves: processing, {@code steps} log lines {@code stepMs} apart, then done. */
  public synchronized void autopilot(boolean enabled, long stepMs, int steps) {
    this.autopilot = enabled;
    this.stepMs = Math.max(10, stepMs);
    this.steps = Math.max(1, steps);
  }

  public synchronized JsonObject allJobs() {
    JsonArray out = new JsonArray();
    jobs.values().stream().sorted(Comparator.comparingLong((Job j) -> j.seq).reversed()).forEach(j -> out.add(view(j)));
    return new JsonObject().put("results", out);
  }

  public synchronized void reset() {
    jobs.clear();
    deliveries.clear();
    faultsLeft = 0;
    resetRequests();
  }

  private synchronized JsonObject find(String kind, String id) {
    Job job = jobs.get(id);
    return job == null || !job.kind.equals(kind) ? null : view(job);
  }

  private JsonObject view(Job job) {
    return job.obj.copy();
  }

  private void drive(String id, int step) {
    vertx.setTimer(stepMs, t -> {
      JsonObject o;
      synchronized (this) {
        Job job = jobs.get(id);
        if (job == null || TERMINAL.contains(job.obj.getString("status"))) {
          return;
        }
        o = job.obj;
      }
      if (step == 0) {
        update(id, "processing", "Loading training data\nwarming up\n", null, null, null, null);
      } else if (step <= steps) {
        update(id, null, "epoch 1/1 step " + step + "/" + steps + " loss " + String.format("%.4f", 1.0 / (step + 1)) + "\n",
            null, null, null, null);
      } else {
        String outcome = o.getJsonObject("input", new JsonObject()).getString("fake_outcome", "succeeded");
        update(id, outcome, "done\n", null, outcome.equals("succeeded") ? null : "fake outcome " + outcome,
            steps * stepMs / 1000.0, outcome.equals("succeeded") ? new JsonArray().add("https://example.invalid/out.bin") : null);
        return;
      }
      drive(id, step + 1);
    });
  }

  /** Called with the lock held; the HTTP post itself happens asynchronously. */
  private void deliver(Job job, String event) {
    if (!deliverWebhooks) {
      return;
    }
    String target = webhookTarget != null ? webhookTarget : job.webhook;
    if (target == null || (job.filter != null && !job.filter.contains(event))) {
      return;
    }
    String id = "msg_" + newId();
    long ts = Instant.now().getEpochSecond();
    byte[] body = job.obj.encode().getBytes(StandardCharsets.UTF_8);
    String signature = WebhookVerifier.sign(webhookSecret, id, ts, body);
    JsonObject record = new JsonObject().put("webhook_id", id).put("url", target).put("event", event)
        .put("job_id", job.obj.getString("id")).put("job_status", job.obj.getString("status"));
    deliveries.add(record);
    client.postAbs(target).putHeader("Content-Type", "application/json").putHeader("webhook-id", id)
        .putHeader("webhook-timestamp", String.valueOf(ts)).putHeader("webhook-signature", signature)
        .sendBuffer(Buffer.buffer(body))
        .onComplete(ar -> {
          synchronized (this) {
            record.put("status_code", ar.succeeded() ? ar.result().statusCode() : null)
                .put("failure", ar.failed() ? String.valueOf(ar.cause().getMessage()) : null);
          }
        });
  }

  private static String newId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(26);
    for (int i = 0; i < 26; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ HTTP helpers

  private void control(RoutingContext ctx, java.util.function.Supplier<JsonObject> action) {
    try {
      json(ctx, 200, action.get());
    } catch (IllegalArgumentException e) {
      error(ctx, 404, e.getMessage());
    } catch (RuntimeException e) {
      error(ctx, 400, String.valueOf(e.getMessage()));
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    JsonObject b = bodyOrNull(ctx);
    return b == null ? new JsonObject() : b;
  }

  private static JsonObject bodyOrNull(RoutingContext ctx) {
    try {
      Buffer buf = ctx.body().buffer();
      return buf == null || buf.length() == 0 ? null : buf.toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void error(RoutingContext ctx, int status, String detail) {
    json(ctx, status, new JsonObject().put("detail", detail).put("status", status));
  }

  /**
   * {@code java -cp target/test-classes:target/trainyard-fat.jar io.trainyard.providers.fake.FakeReplicate [port] [--manual]
   * [--step-ms N] [--steps N] [--webhook-secret whsec_...]}: runs the fake until killed. New jobs run on
   * autopilot unless {@code --manual}. Token: {@code FAKE_REPLICATE_TOKEN} or {@value #DEFAULT_TOKEN}.
   */
  public static void main(String[] args) {
    int port = 0;
    boolean manual = false;
    long stepMs = 1000;
    int steps = 10;
    String secret = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--manual" -> manual = true;
        case "--step-ms" -> stepMs = Long.parseLong(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--webhook-secret" -> secret = args[++i];
        default -> port = Integer.parseInt(args[i]);
      }
    }
    String token = System.getenv().getOrDefault("FAKE_REPLICATE_TOKEN", DEFAULT_TOKEN);
    Vertx vertx = Vertx.vertx();
    boolean auto = !manual;
    long ms = stepMs;
    int n = steps;
    String whsec = secret;
    start(vertx, port, token).onSuccess(fake -> {
      fake.autopilot(auto, ms, n);
      if (whsec != null) {
        fake.webhooks(whsec, null, true);
      }
      System.out.println("Fake Replicate is up: " + fake.url() + " (token " + token + ", autopilot "
          + (auto ? "on: " + n + " steps of " + ms + " ms" : "off") + (whsec != null ? ", signed webhooks on" : "") + ")");
    }).onFailure(err -> {
      System.err.println("Fake Replicate failed to start: " + err.getMessage());
      vertx.close();
      System.exit(1);
    });
  }
}
