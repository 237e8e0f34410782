package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobFilter;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.JobType;
import io.trainyard.logs.LogService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The local Jobs API: submit (one or a batch), inspect, follow logs, cancel, list, delete, flush. */
final class JobRoutes {
  private final JobService jobs;
  private final LogService logs;

  JobRoutes(JobService jobs, LogService logs) {
    this.jobs = jobs;
    this.logs = logs;
  }

  void mount(Router router) {
    router.post("/api/jobs/train").handler(ctx -> Http.guarded(ctx, () ->
        jobs.submit(AuthHandler.user(ctx), JobType.TRAIN, Http.jsonBody(ctx)).map(JobRoutes::wrap)));
    router.post("/api/jobs/predict").handler(ctx -> Http.guarded(ctx, () ->
        jobs.submit(AuthHandler.user(ctx), JobType.PREDICT, Http.jsonBody(ctx)).map(JobRoutes::wrap)));
    router.post("/api/jobs/batch").handler(ctx -> Http.guarded(ctx, () ->
        jobs.submitBatch(AuthHandler.user(ctx), Http.jsonBody(ctx)).map(created -> new JsonObject()
            .put("jobs", new JsonArray(created.stream().map(Job::toJson).toList())))));
    router.post("/api/jobs/flush").handler(ctx -> Http.guarded(ctx, () -> {
      String scope = ctx.request().getParam("scope", "active");
      if (!scope.equals("active") && !scope.equals("all")) {
        throw DomainException.invalid("scope", "must be active or all");
      }
      return jobs.flush(AuthHandler.user(ctx), scope, Http.boolParam(ctx, "purge_artifacts", true),
          Http.boolParam(ctx, "force", true));
    }));
    router.get("/api/jobs").handler(ctx -> Http.guarded(ctx, () ->
        jobs.repository().list(JobFilter.parse(ctx.request().params(), JobService.scope(AuthHandler.user(ctx))))));
    router.get("/api/jobs/:id").handler(ctx -> Http.guarded(ctx, () ->
        jobs.get(AuthHandler.user(ctx), ctx.pathParam("id")).map(JobRoutes::wrap)));
    router.get("/api/jobs/:id/log").handler(this::log);
    router.get("/api/jobs/:id/inline-progress").handler(ctx -> Http.guarded(ctx, () ->
        logs.inlineProgress(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.get("/api/jobs/:id/logs").handler(this::logs);
    router.post("/api/jobs/:id/cancel").handler(ctx -> Http.guarded(ctx, () ->
        jobs.cancel(AuthHandler.user(ctx), ctx.pathParam("id")).map(JobRoutes::wrap)));
    router.delete("/api/jobs/:id").handler(ctx -> Http.guarded(ctx, () ->
        jobs.delete(AuthHandler.user(ctx), ctx.pathParam("id"), Http.boolParam(ctx, "purge_artifacts", true))));
  }

  private void log(RoutingContext ctx) {
    Http.guarded(ctx, () -> {
      String raw = ctx.request().getParam("offset");
      if (raw == null || raw.isBlank()) {
        return logs.tail(AuthHandler.user(ctx), ctx.pathParam("id"));
      }
      if (!raw.matches("\\d{1,18}")) {
        throw DomainException.invalid("offset", "must be a byte offset >= 0");
      }
      return logs.fromOffset(AuthHandler.user(ctx), ctx.pathParam("id"), Long.parseLong(raw));
    });
  }

  private void logs(RoutingContext ctx) {
    Http.guarded(ctx, () -> {
      String raw = ctx.request().getParam("tail");
      if (raw == null || raw.isBlank()) {
        return logs.tail(AuthHandler.user(ctx), ctx.pathParam("id"))
            .map(r -> new JsonObject().put("logs", r.getString("log")));
      }
      if (!raw.matches("\\d{1,6}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > 100_000) {
        throw DomainException.invalid("tail", "must be a number of lines from 1 to 100000");
      }
      return logs.lastLines(AuthHandler.user(ctx), ctx.pathParam("id"), Integer.parseInt(raw));
    });
  }

  /** The {job} answer of every route that answers one job. */
  static JsonObject wrap(Job job) {
    return new JsonObject().put("job", job.toJson());
  }
}
