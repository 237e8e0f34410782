package io.trainyard.http;

import io.trainyard.providers.ProvidersApi;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Cloud jobs (contract section "Cloud jobs (providers)"): each route asks the providers verticle, the
 * one owner of cloud work, over its bus contract. The webhook route authenticates by signature, so it
 * is mounted before the session check; everything else after it.
 */
final class CloudRoutes {
  /**
   * Each provider call times out after seconds, but a list with {@code sync_active} refreshes every
   * active job (8 calls in flight), so the whole answer may take minutes with many active jobs.
   */
  private static final DeliveryOptions SLOW = new DeliveryOptions().setSendTimeout(10 * 60_000);

  /** Routes that need no signed-in user: provider webhook deliveries. */
  void mountPublic(Router router) {
    router.post("/api/webhooks/:provider").handler(ctx -> Http.guarded(ctx, () -> {
      JsonObject headers = new JsonObject();
      for (String name : new String[] {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
        headers.put(name, ctx.request().getHeader(name));
      }
      return ask(ctx, ProvidersApi.WEBHOOK, new JsonObject().put("provider", ctx.pathParam("provider"))
          .put("headers", headers).put("body", ctx.body().buffer()));
    }));
  }

  void mount(Router router) {
    router.post("/api/cloud/jobs").handler(ctx -> Http.guarded(ctx, () ->
        ask(ctx, ProvidersApi.SUBMIT, forUser(ctx).put("body", Http.jsonBody(ctx))).map(CloudRoutes::wrap)));
    router.get("/api/cloud/jobs").handler(ctx -> Http.guarded(ctx, () -> {
      JsonObject query = new JsonObject();
      ctx.request().params().names().forEach(n -> query.put(n, ctx.request().getParam(n)));
      return ask(ctx, ProvidersApi.LIST, forUser(ctx).put("query", query)
          .put("sync_active", Http.boolParam(ctx, "sync_active", false)));
    }));
    router.post("/api/cloud/jobs/sync").handler(ctx -> Http.guarded(ctx, () -> {
      JsonObject body = Http.optionalJsonBody(ctx);
      String provider = ctx.request().getParam("provider", body.getValue("provider") instanceof String s ? s : "replicate");
      return ask(ctx, ProvidersApi.SYNC, forUser(ctx).put("provider", provider));
    }));
    router.get("/api/cloud/jobs/:id/inline-progress").handler(ctx -> Http.guarded(ctx, () ->
        ask(ctx, ProvidersApi.INLINE_PROGRESS, forUser(ctx).put("job_id", ctx.pathParam("id")))));
    router.post("/api/cloud/jobs/:id/cancel").handler(ctx -> Http.guarded(ctx, () ->
        ask(ctx, ProvidersApi.CANCEL, forUser(ctx).put("job_id", ctx.pathParam("id"))).map(CloudRoutes::wrap)));
    router.get("/api/cloud/providers/:provider/validate").handler(ctx -> Http.guarded(ctx, () ->
        ask(ctx, ProvidersApi.VALIDATE, new JsonObject().put("provider", ctx.pathParam("provider")))));
  }

  private static JsonObject forUser(RoutingContext ctx) {
    return new JsonObject().put("user", AuthHandler.user(ctx).toJson());
  }

  private static Future<JsonObject> ask(RoutingContext ctx, String address, JsonObject request) {
    return ctx.vertx().eventBus().<JsonObject>request(address, request, SLOW).map(m -> m.body());
  }

  private static JsonObject wrap(JsonObject job) {
    return new JsonObject().put("job", job);
  }
}
