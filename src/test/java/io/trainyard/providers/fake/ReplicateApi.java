package io.trainyard.providers.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

import static io.trainyard.providers.fake.Http.bodyOrNull;
import static io.trainyard.providers.fake.Http.error;
import static io.trainyard.providers.fake.Http.json;

/**
 * Replicate's API under {@code /v1/} in its documented shapes: create, get, list and cancel trainings and
 * predictions, and the account. Lists are pages of {@value #PAGE}, newest first, whose {@code next} is an
 * absolute URL with an opaque {@code ?cursor=}. Every request is first counted (and maybe failed) by
 * {@link Faults}, then needs the Bearer (or legacy {@code Token}) token.
 */
final class ReplicateApi {
  static final int PAGE = 100;

  private final String token;
  private final JobStore store;
  private final Faults faults;
  private final Autopilot autopilot;
  private final Supplier<String> baseUrl;

  ReplicateApi(String token, JobStore store, Faults faults, Autopilot autopilot, Supplier<String> baseUrl) {
    this.token = token;
    this.store = store;
    this.faults = faults;
    this.autopilot = autopilot;
    this.baseUrl = baseUrl;
  }

  void mount(Router r) {
    r.route("/v1/*").handler(this::gate);
    r.post("/v1/models/:owner/:name/versions/:version/trainings").handler(this::createTraining);
    r.get("/v1/trainings").handler(ctx -> list(ctx, "training"));
    r.get("/v1/trainings/:id").handler(ctx -> get(ctx, "training"));
    r.post("/v1/trainings/:id/cancel").handler(ctx -> cancel(ctx, "training"));
    r.post("/v1/predictions").handler(this::createPrediction);
    r.get("/v1/predictions").handler(ctx -> list(ctx, "prediction"));
    r.get("/v1/predictions/:id").handler(ctx -> get(ctx, "prediction"));
    r.post("/v1/predictions/:id/cancel").handler(ctx -> cancel(ctx, "prediction"));
    r.get("/v1/account").handler(ctx -> json(ctx, 200, new JsonObject().put("type", "user")
        .put("username", "fake-user").put("name", "Fake Replicate user").put("github_url", null)));
    r.route("/v1/*").handler(ctx -> error(ctx, 404, "Not found."));
  }

  /** Faults come before the token check: a throttled or failing Replicate does not look at credentials. */
  private void gate(RoutingContext ctx) {
    Faults.Fault fault = faults.admit(ctx.request().method().name(), ctx.request().path());
    if (fault != null && fault.status() == 429) {
      ctx.response().putHeader("Retry-After", String.valueOf(fault.retryAfter()));
      error(ctx, 429, "Request was throttled. Expected available in " + fault.retryAfter() + " second.");
      return;
    }
    if (fault != null) {
      error(ctx, fault.status(), "Internal server error (injected)");
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !(auth.equals("Bearer " + token) || auth.equals("Token " + token))) {
      error(ctx, 401, "You did not pass a valid authentication token");
      return;
    }
    ctx.next();
  }

  private void createTraining(RoutingContext ctx) {
    JsonObject b = bodyOrNull(ctx);
    if (b == null || !(b.getValue("input") instanceof JsonObject) || !(b.getValue("destination") instanceof String d)
        || !d.matches("[^/\\s]+/[^/\\s]+")) {
      error(ctx, 422, "destination (owner/name) and input (object) are required");
      return;
    }
    String model = ctx.pathParam("owner") + "/" + ctx.pathParam("name");
    created(ctx, store.create("training", model, ctx.pathParam("version"), b.getJsonObject("input"), "api",
        b.getString("destination"), b.getString("webhook"), b.getJsonArray("webhook_events_filter")));
  }

  /** {@code version} is {@code owner/model:id} or a bare version id (then the model is made up). */
  private void createPrediction(RoutingContext ctx) {
    JsonObject b = bodyOrNull(ctx);
    if (b == null || !(b.getValue("version") instanceof String version) || version.isBlank()
        || !(b.getValue("input") instanceof JsonObject)) {
      error(ctx, 422, "version (string) and input (object) are required");
      return;
    }
    int colon = version.indexOf(':');
    String model = colon > 0 ? version.substring(0, colon) : "fake/model";
    created(ctx, store.create("prediction", model, colon > 0 ? version.substring(colon + 1) : version,
        b.getJsonObject("input"), "api", null, b.getString("webhook"), b.getJsonArray("webhook_events_filter")));
  }

  private void created(RoutingContext ctx, JsonObject job) {
    autopilot.take(job.getString("id"));
    json(ctx, 201, job);
  }

  private void get(RoutingContext ctx, String kind) {
    JsonObject job = store.find(kind, ctx.pathParam("id"));
    if (job == null) {
      error(ctx, 404, "Not found.");
    } else {
      json(ctx, 200, job);
    }
  }

  private void cancel(RoutingContext ctx, String kind) {
    JsonObject job = store.cancel(kind, ctx.pathParam("id"));
    if (job == null) {
      error(ctx, 404, "Not found.");
    } else {
      json(ctx, 200, job);
    }
  }

  private void list(RoutingContext ctx, String kind) {
    String cursor;
    long before = Long.MAX_VALUE;
    try { // reading the parameter throws too, on a malformed query string
      cursor = ctx.request().getParam("cursor");
      if (cursor != null) {
        before = Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).substring(2));
      }
    } catch (RuntimeException e) {
      error(ctx, 400, "Invalid cursor");
      return;
    }
    JobStore.Page page = store.page(kind, before, PAGE);
    String path = baseUrl.get() + ctx.request().path();
    String next = page.more() ? path + "?cursor=" + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("s:" + page.lastSeq()).getBytes(StandardCharsets.UTF_8)) : null;
    json(ctx, 200, new JsonObject().put("next", next).put("previous", cursor == null ? null : path)
        .put("results", new JsonArray(page.results())));
  }
}
