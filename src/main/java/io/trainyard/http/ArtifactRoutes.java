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
      JobFilter.Paging p = page(ctx);
      return jobs.models().list(JobService.scope(AuthHandler.user(ctx)), p.limit(), p.offset())
          .map(items -> new JsonObject().put("items", items));
    }));
    router.get("/api/results").handler(ctx -> Http.guarded(ctx, () -> {
      JobFilter.Paging p = page(ctx);
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

  /** Paging of the model and result lists, checked like the job list's. */
  private static JobFilter.Paging page(RoutingContext ctx) {
    Validation v = new Validation();
    JobFilter.Paging p = JobFilter.Paging.parse(ctx.request().params(), v);
    v.throwIfInvalid();
    return p;
  }
}
