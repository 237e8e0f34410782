package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.jobs.BulkActions;
import io.trainyard.jobs.BulkTargets;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobHistory;
import io.trainyard.jobs.Throughput;
import io.trainyard.logs.LogService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What the job center acts and reads with: bulk cancel and rerun (ids or a filter), a job's state
 * history, its metric series, the whole log as a download, and jobs per minute of the last hour.
 */
final class JobCenterRoutes {
  private final BulkActions bulk;
  private final BulkTargets targets;
  private final JobHistory history;
  private final LogService logs;
  private final Throughput throughput;

  JobCenterRoutes(BulkActions bulk, BulkTargets targets, JobHistory history, LogService logs, Throughput throughput) {
    this.bulk = bulk;
    this.targets = targets;
    this.history = history;
    this.logs = logs;
    this.throughput = throughput;
  }

  void mount(Router router) {
    router.post("/api/jobs/bulk-cancel").handler(ctx -> Http.guarded(ctx, () ->
        targets.resolve(AuthHandler.user(ctx), Http.jsonBody(ctx)).compose(ids -> bulk.cancel(AuthHandler.user(ctx), ids))));
    router.post("/api/jobs/bulk-rerun").handler(ctx -> Http.guarded(ctx, () ->
        targets.resolve(AuthHandler.user(ctx), Http.jsonBody(ctx)).compose(ids -> bulk.rerun(AuthHandler.user(ctx), ids))));
    router.get("/api/jobs/:id/events").handler(ctx -> Http.guarded(ctx, () ->
        history.of(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.get("/api/jobs/:id/metrics").handler(ctx -> Http.guarded(ctx, () ->
        logs.metrics(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.get("/api/jobs/:id/log/download").handler(this::download);
    router.get("/api/analytics/throughput").handler(ctx -> Http.guarded(ctx, () -> {
      String raw = ctx.request().getParam("minutes", "60").trim();
      return throughput.lastMinutes(AuthHandler.user(ctx), raw.matches("\\d{1,5}") ? Integer.parseInt(raw) : -1);
    }));
  }

  /** Streams the whole file from disk (not the 20,000-character tail the log route answers). */
  private void download(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    logs.download(AuthHandler.user(ctx), id).onSuccess(where -> {
      ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + id + ".log\"");
      if (where.remote() != null) {
        // Another node ran the job and holds its log: relay it chunk by chunk, each written before
        // the next is asked for, so a slow client does not pile the log up in our memory.
        ctx.response().setChunked(true);
        relay(ctx, where.remote(), 0);
        return;
      }
      String path = where.path();
      if (path == null) {
        ctx.response().end(); // no log yet: an empty file, as the log route answers ""
        return;
      }
      ctx.response().sendFile(path).onFailure(err -> {
        if (!ctx.response().headWritten()) {
          ctx.fail(DomainException.notFound("Log file is gone"));
        }
      });
    }).onFailure(ctx::fail);
  }

  private void relay(RoutingContext ctx, Job job, long offset) {
    logs.chunk(job, offset).onSuccess(chunk -> {
      String text = chunk.getString("log", "");
      long next = chunk.getLong("next_offset", offset);
      if (text.isEmpty() || next <= offset) {
        ctx.response().end();
        return;
      }
      ctx.response().write(text).onSuccess(v -> relay(ctx, job, next)).onFailure(err -> ctx.response().reset());
    }).onFailure(err -> {
      if (ctx.response().headWritten()) {
        ctx.response().reset(); // a cut-off download must not look complete
      } else {
        ctx.fail(err);
      }
    });
  }
}
