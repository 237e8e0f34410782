package io.trainyard.http;

import io.trainyard.auth.AuthHandler;
import io.trainyard.providers.CloudJobs;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Cloud jobs (contract section "Cloud jobs (providers)"). The webhook route authenticates by
 * signature, so it is mounted before the session check; everything else after it.
 */
public final class CloudRoutes {
  private final CloudJobs cloud;

  public CloudRoutes(CloudJobs cloud) {
    this.cloud = cloud;
  }

  /** Routes that need no signed-in user: provider webhook deliveries. */
  public void mountPublic(Router router) {
    router.post("/api/webhooks/:provider").handler(ctx -> Http.guarded(ctx, () ->
        cloud.webhook(ctx.pathParam("provider"), ctx.request().headers(), ctx.body().buffer())));
  }

  public void mount(Router router) {
    router.post("/api/cloud/jobs").handler(ctx -> Http.guarded(ctx, () ->
        cloud.submit(AuthHandler.user(ctx), Http.jsonBody(ctx)).map(JobRoutes::wrap)));
    router.get("/api/cloud/jobs").handler(ctx -> Http.guarded(ctx, () ->
        cloud.list(AuthHandler.user(ctx), ctx.request().params(), Http.boolParam(ctx, "sync_active", false))));
    router.post("/api/cloud/jobs/sync").handler(ctx -> Http.guarded(ctx, () -> {
      JsonObject body = Http.optionalJsonBody(ctx);
      String provider = ctx.request().getParam("provider", body.getValue("provider") instanceof String s ? s : "replicate");
      return cloud.sync(AuthHandler.user(ctx), provider);
    }));
    router.get("/api/cloud/jobs/:id/inline-progress").handler(ctx -> Http.guarded(ctx, () ->
        cloud.inlineProgress(AuthHandler.user(ctx), ctx.pathParam("id"))));
    router.post("/api/cloud/jobs/:id/cancel").handler(ctx -> Http.guarded(ctx, () ->
        cloud.cancel(AuthHandler.user(ctx), ctx.pathParam("id")).map(JobRoutes::wrap)));
    router.get("/api/cloud/providers/:provider/validate").handler(ctx -> Http.guarded(ctx, () ->
        cloud.validate(ctx.pathParam("provider"))));
  }
}
