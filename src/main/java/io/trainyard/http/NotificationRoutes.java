package io.trainyard.http;

import io.trainyard.notifications.Notifications;
import io.vertx.ext.web.Router;

/** A user's webhook endpoints for their jobs' ends: register, list, remove (always their own). */
final class NotificationRoutes {
  private final Notifications notifications;

  NotificationRoutes(Notifications notifications) {
    this.notifications = notifications;
  }

  void mount(Router router) {
    router.post("/api/notifications").handler(ctx -> Http.guarded(ctx, () ->
        notifications.create(AuthHandler.user(ctx), Http.jsonBody(ctx))));
    router.get("/api/notifications").handler(ctx -> Http.guarded(ctx, () ->
        notifications.list(AuthHandler.user(ctx))));
    router.delete("/api/notifications/:id").handler(ctx -> Http.guarded(ctx, () ->
        notifications.delete(AuthHandler.user(ctx), ctx.pathParam("id"))));
  }
}
