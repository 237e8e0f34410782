package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.trainyard.jobs.Artifacts;
import io.trainyard.jobs.JobFilter;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;

/** Datasets, models and prediction results. */
final class ArtifactRoutes {
  private final Artifacts artifacts;

  ArtifactRoutes(Artifacts artifacts) {
    this.artifacts = artifacts;
  }

  void mount(Router router) {
    router.get("/api/datasets").handler(ctx -> Http.guarded(ctx, artifacts::datasets));
    router.get("/api/models").handler(ctx -> Http.guarded(ctx, () -> artifacts.models(AuthHandler.user(ctx), page(ctx))));
    router.get("/api/results").handler(ctx -> Http.guarded(ctx, () -> artifacts.results(AuthHandler.user(ctx), page(ctx))));
    router.get("/api/results/:id").handler(ctx -> Http.guarded(ctx, () ->
        artifacts.resultWithPreview(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.get("/api/results/:id/download").handler(this::download);
  }

  private void download(RoutingContext ctx) {
    artifacts.result(AuthHandler.user(ctx), ctx.pathParam("id")).onSuccess(r -> {
      Path file = Path.of(r.getString("path"));
      ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + r.getString("result_id") + ".csv\"")
          .sendFile(file.toString()).onFailure(err -> {
            if (!ctx.response().headWritten()) {
              ctx.fail(DomainException.notFound("Result file is gone"));
            }
          });
    }).onFailure(ctx::fail);
  }

  /** Paging of the model and result lists, checked like the job list's. */
  private static JobFilter.Paging page(RoutingContext ctx) {
    Validation v = new Validation();
    JobFilter.Paging p = JobFilter.Paging.parse(ctx.request().params(), v);
    v.throwIfInvalid();
    return p;
  }
}
