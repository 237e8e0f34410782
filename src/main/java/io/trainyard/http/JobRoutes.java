package io.trainyard.http;

import io.trainyard.auth.AuthHandler;
import io.trainyard.jobs.JobFilter;
import io.trainyard.jobs.JobService;
import io.trainyard.logs.LogsApi;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The local Jobs API: submit, inspect, follow logs, cancel, list, delete, flush. */
final class JobRoutes {
  private final JobService jobs;

  JobRoutes(JobService jobs) {
    this.jobs = jobs;
  }

  void mount(Router router) {
    router.post("/api/jobs/train").handler(ctx -> Http.guarded(ctx, () ->
        jobs.submitTrain(AuthHandler.user(ctx), Http.jsonBody(ctx)).map(JobRoutes::wrap)));
    router.post("/api/jobs/predict").handler(ctx -> Http.guarded(ctx, () ->
        jobs.submitPredict(AuthHandler.user(ctx), Http.jsonBody(ctx)).map(JobRoutes::wrap)));
    router.post("/api/jobs/flush").handler(ctx -> Http.guarded(ctx, () -> {
      String scope = ctx.request().getParam("scope", "active");
      if (!scope.equals("active") && !scope.equals("all")) {
        throw ApiException.invalid("scope", "must be active or all");
      }
      return jobs.flush(AuthHandler.user(ctx), scope, Http.boolParam(ctx, "purge_artifacts", true),
          Http.boolParam(ctx, "force", true));
    }));
    router.get("/api/jobs").handler(ctx -> Http.guarded(ctx, () ->
        jobs.repository().list(JobFilter.parse(ctx.request().params(), JobService.scope(AuthHandler.user(ctx))))));
    router.get("/api/jobs/:id").handler(ctx -> Http.guarded(ctx, () ->
        jobs.get(AuthHandler.user(ctx), ctx.pathParam("id")).map(JobRoutes::wrap)));
    router.get("/api/jobs/:id/log").handler(this::log);
    router.get("/api/jobs/:id/inline-progress").handler(this::inlineProgress);
    router.get("/api/jobs/:id/logs").handler(this::logs);
    router.post("/api/jobs/:id/cancel").handler(ctx -> Http.guarded(ctx, () ->
        jobs.cancel(AuthHandler.user(ctx), ctx.pathParam("id")).map(JobRoutes::wrap)));
    router.delete("/api/jobs/:id").handler(ctx -> Http.guarded(ctx, () ->
        jobs.delete(AuthHandler.user(ctx), ctx.pathParam("id"), Http.boolParam(ctx, "purge_artifacts", true))));
  }

  private void log(RoutingContext ctx) {
    Http.guarded(ctx, () -> {
      String raw = ctx.request().getParam("offset");
      JsonObject req = new JsonObject().put("mode", "tail");
      if (raw != null && !raw.isBlank()) {
        if (!raw.matches("\\d{1,18}")) {
          throw ApiException.invalid("offset", "must be a byte offset >= 0");
        }
        req.put("mode", "offset").put("offset", Long.parseLong(raw));
      }
      return readLog(ctx, req);
    });
  }

  private void logs(RoutingContext ctx) {
    Http.guarded(ctx, () -> {
      String raw = ctx.request().getParam("tail");
      if (raw == null || raw.isBlank()) {
        return readLog(ctx, new JsonObject().put("mode", "tail"))
            .map(r -> new JsonObject().put("logs", r.getString("log")));
      }
      if (!raw.matches("\\d{1,6}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > 100_000) {
        throw ApiException.invalid("tail", "must be a number of lines from 1 to 100000");
      }
      return readLog(ctx, new JsonObject().put("mode", "lines").put("lines", Integer.parseInt(raw)));
    });
  }

  /**
   * Progress of a running job, parsed fresh from its log by the node that runs it; cloud jobs answer
   * what the poller and webhooks stored. Jobs that are not running answer nulls.
   */
  private void inlineProgress(RoutingContext ctx) {
    Http.guarded(ctx, () -> jobs.visible(AuthHandler.user(ctx), ctx.pathParam("id")).compose(job -> {
      JsonObject out = new JsonObject().put("job_id", job.getString("job_id"));
      if (!"running".equals(job.getString("status"))) {
        return Future.succeededFuture(out.put("stage", null).put("last_log", null).put("progress", null)
            .put("eta_seconds", null));
      }
      JsonObject stored = new JsonObject().put("stage", job.getString("stage")).put("last_log", job.getString("last_log"))
          .put("progress", job.getDouble("progress")).put("eta_seconds", job.getLong("eta_seconds"));
      if (!"local".equals(job.getString("provider"))) {
        return Future.succeededFuture(out.mergeIn(stored));
      }
      return readLog(ctx, job, new JsonObject().put("mode", "progress").put("started_at", job.getString("started_at")))
          .map(out::mergeIn).otherwise(out.mergeIn(stored));
    }));
  }

  /** Asks the node that ran (or will run) the job to read its log. */
  private Future<JsonObject> readLog(RoutingContext ctx, JsonObject req) {
    return jobs.visible(AuthHandler.user(ctx), ctx.pathParam("id")).compose(job -> readLog(ctx, job, req));
  }

  private Future<JsonObject> readLog(RoutingContext ctx, JsonObject job, JsonObject req) {
    String node = job.getString("node_id") != null ? job.getString("node_id") : jobs.nodeId();
    req.put("job_id", job.getString("job_id")).put("log_path", job.getString("log_path"))
        .put("artifacts_dir", job.getString("artifacts_dir"));
    return ctx.vertx().eventBus().<JsonObject>request(LogsApi.read(node), req, new DeliveryOptions().setSendTimeout(10_000))
        .recover(err -> node.equals(jobs.nodeId()) ? Future.failedFuture(err)
            // The node that ran it is gone; with shared storage our own reader can still serve it.
            : ctx.vertx().eventBus().request(LogsApi.read(jobs.nodeId()), req))
        .map(m -> m.body());
  }

  /** The {job} answer of every route that answers one job. */
  static JsonObject wrap(JsonObject job) {
    return new JsonObject().put("job", job);
  }
}
