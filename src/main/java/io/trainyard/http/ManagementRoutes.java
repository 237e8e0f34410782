package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.trainyard.jobs.Analytics;
import io.trainyard.jobs.BulkActions;
import io.trainyard.jobs.BulkTargets;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.JobType;
import io.trainyard.jobs.Templates;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;


/** Job management at scale: counts, bulk actions, archive, rerun, shards, templates, analytics. */
final class ManagementRoutes {
  private final JobService jobs;
  private final BulkActions bulk;
  private final BulkTargets targets;
  private final Templates templates;
  private final Analytics analytics;

  ManagementRoutes(JobService jobs, BulkActions bulk, BulkTargets targets, Templates templates, Analytics analytics) {
    this.jobs = jobs;
    this.bulk = bulk;
    this.targets = targets;
    this.templates = templates;
    this.analytics = analytics;
  }

  /** Mounted before the job routes, whose {@code /api/jobs/:id} would otherwise take "counts". */
  void mount(Router router) {
    router.get("/api/jobs/counts").handler(ctx -> Http.guarded(ctx, () ->
        jobs.repository().counts(JobService.scope(AuthHandler.user(ctx)))));
    router.post("/api/jobs/bulk-delete").handler(ctx -> Http.guarded(ctx, () ->
        targets.resolve(AuthHandler.user(ctx), Http.jsonBody(ctx)).compose(ids ->
            bulk.delete(AuthHandler.user(ctx), ids, Http.boolParam(ctx, "purge_artifacts", true)))));
    router.post("/api/jobs/bulk-archive").handler(ctx -> Http.guarded(ctx, () ->
        targets.resolve(AuthHandler.user(ctx), Http.jsonBody(ctx)).compose(ids -> bulk.archive(AuthHandler.user(ctx), ids))));
    router.post("/api/jobs/archive-expired").handler(ctx -> Http.guarded(ctx, () ->
        bulk.archiveExpired(AuthHandler.user(ctx), hours(ctx), Http.boolParam(ctx, "terminal_only", true))));
    router.post("/api/jobs/:id/unarchive").handler(ctx -> Http.guarded(ctx, () ->
        bulk.unarchive(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.post("/api/jobs/:id/rerun").handler(ctx -> Http.guarded(ctx, () ->
        bulk.reruns().rerun(AuthHandler.user(ctx), ctx.pathParam("id")).map(JobRoutes::wrap)));
    router.get("/api/jobs/:id/shards").handler(ctx -> Http.guarded(ctx, () ->
        jobs.shards(AuthHandler.user(ctx), ctx.pathParam("id"))));

    router.post("/api/templates").handler(ctx -> Http.guarded(ctx, () ->
        templates.create(AuthHandler.user(ctx), Http.jsonBody(ctx))));
    router.get("/api/templates").handler(ctx -> Http.guarded(ctx, () -> templates.list(AuthHandler.user(ctx))));
    router.delete("/api/templates/:id").handler(ctx -> Http.guarded(ctx, () ->
        templates.delete(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.post("/api/templates/:id/submit").handler(ctx -> Http.guarded(ctx, () ->
        templates.submit(AuthHandler.user(ctx), ctx.pathParam("id"), Http.optionalJsonBody(ctx))));

    router.get("/api/analytics").handler(ctx -> Http.guarded(ctx, () -> {
      Validation v = new Validation();
      String rawDays = ctx.request().getParam("days", "30").trim();
      int days = rawDays.matches("\\d{1,4}") ? Integer.parseInt(rawDays) : -1;
      if (days < 1 || days > 366) {
        v.add("days", "must be an integer from 1 to 366");
      }
      String type = ctx.request().getParam("job_type");
      if (type != null && !type.isBlank() && !JobType.isWire(type)) {
        v.add("job_type", "must be one of train, predict, sweep, cloud");
      }
      v.throwIfInvalid();
      return analytics.query(AuthHandler.user(ctx), days, type == null || type.isBlank() ? null : type);
    }));
  }

  private static double hours(RoutingContext ctx) {
    String raw = ctx.request().getParam("hours");
    if (raw == null || raw.isBlank()) {
      return 72;
    }
    try {
      double h = Double.parseDouble(raw.trim());
      if (!Double.isFinite(h) || h < 0 || h > 1_000_000) {
        throw DomainException.invalid("hours", "must be a number of hours >= 0");
      }
      return h;
    } catch (NumberFormatException e) {
      throw DomainException.invalid("hours", "must be a number of hours >= 0");
    }
  }
}
