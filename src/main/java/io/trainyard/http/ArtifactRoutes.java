package io.trainyard.http;

import io.trainyard.auth.AuthHandler;
import io.trainyard.jobs.JobFilter;
import io.trainyard.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Datasets, models and prediction results. */
final class ArtifactRoutes {
  private static final int PREVIEW_ROWS = 20;
  private final JobService jobs;

  ArtifactRoutes(JobService jobs) {
    this.jobs = jobs;
  }

  void mount(Router router) {
    router.get("/api/datasets").handler(ctx -> Http.guarded(ctx, () ->
        jobs.datasets().map(items -> new JsonObject().put("items", items))));
    router.get("/api/models").handler(ctx -> Http.guarded(ctx, () -> {
      Page p = Page.parse(ctx);
      return jobs.models().list(JobService.scope(AuthHandler.user(ctx)), p.limit(), p.offset())
          .map(items -> new JsonObject().put("items", items));
    }));
    router.get("/api/results").handler(ctx -> Http.guarded(ctx, () -> {
      Page p = Page.parse(ctx);
      return jobs.results().list(JobService.scope(AuthHandler.user(ctx)), p.limit(), p.offset())
          .map(items -> new JsonObject().put("items", items));
    }));
    router.get("/api/results/:id").handler(ctx -> Http.guarded(ctx, () -> result(ctx).compose(r ->
        ctx.vertx().executeBlocking(() -> r.copy().put("preview", preview(Path.of(r.getString("path")))), false))));
    router.get("/api/results/:id/download").handler(this::download);
  }

  private Future<JsonObject> result(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!io.trainyard.jobs.Ids.plausible(id)) {
      return Future.failedFuture(ApiException.notFound("Result not found"));
    }
    return jobs.results().find(id, JobService.scope(AuthHandler.user(ctx))).compose(r -> r
        .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(ApiException.notFound("Result not found"))));
  }

  private void download(RoutingContext ctx) {
    result(ctx).onSuccess(r -> {
      Path file = Path.of(r.getString("path"));
      ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + r.getString("result_id") + ".csv\"")
          .sendFile(file.toString()).onFailure(err -> {
            if (!ctx.response().headWritten()) {
              ctx.fail(ApiException.notFound("Result file is gone"));
            }
          });
    }).onFailure(ctx::fail);
  }

  /** The first rows of a predictions CSV as objects keyed by its header. Blocking. */
  static JsonArray preview(Path csv) throws java.io.IOException {
    JsonArray rows = new JsonArray();
    if (!Files.isRegularFile(csv)) {
      return rows;
    }
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        return rows;
      }
      String[] cols = header.split(",");
      String line;
      while (rows.size() < PREVIEW_ROWS && (line = in.readLine()) != null) {
        String[] cells = line.split(",");
        JsonObject row = new JsonObject();
        for (int i = 0; i < cols.length && i < cells.length; i++) {
          row.put(cols[i], cells[i].matches("-?[0-9.eE+-]+") ? (Object) Double.parseDouble(cells[i]) : cells[i]);
        }
        rows.add(row);
      }
    } catch (NumberFormatException e) {
      return rows;
    }
    return rows;
  }

  /** limit/offset of a simple list route, checked like the job list's. */
  record Page(int limit, long offset) {
    static Page parse(RoutingContext ctx) {
      Validation v = new Validation();
      long limit = JobFilter.intParam(ctx.request().params(), "limit", 100, v);
      long offset = JobFilter.intParam(ctx.request().params(), "offset", 0, v);
      if (limit < 1 || limit > 1000) {
        v.add("limit", "must be an integer from 1 to 1000");
      }
      if (offset < 0) {
        v.add("offset", "must be an integer >= 0");
      }
      v.throwIfInvalid();
      return new Page((int) limit, offset);
    }
  }
}
