package io.trainyard.providers.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

import static io.trainyard.providers.fake.Http.body;
import static io.trainyard.providers.fake.Http.error;
import static io.trainyard.providers.fake.Http.json;

/**
 * The {@code /_control/} routes: the facade's Java test API over HTTP, for scripts and a fake running
 * in another process. No token: the fake only listens on 127.0.0.1. The routes are listed on
 * {@link FakeReplicate}.
 */
final class ControlRoutes {
  private static final JsonObject OK = new JsonObject().put("ok", true);

  private final FakeReplicate fake;

  ControlRoutes(FakeReplicate fake) {
    this.fake = fake;
  }

  void mount(Router r) {
    r.post("/_control/jobs/:id").handler(ctx -> reply(ctx, () -> {
      JsonObject b = body(ctx);
      return fake.update(ctx.pathParam("id"), b.getString("status"), b.getString("logs"), b.getString("set_logs"),
          b.getValue("error"), b.getValue("predict_time") instanceof Number n ? n.doubleValue() : null, b.getValue("output"));
    }));
    r.get("/_control/jobs").handler(ctx -> reply(ctx, fake::allJobs));
    r.post("/_control/seed").handler(ctx -> reply(ctx, () -> {
      JsonObject b = body(ctx);
      return new JsonObject().put("ids", new JsonArray(fake.seed(b.getString("kind", "prediction"),
          b.getInteger("count", 1), b.getString("status", "succeeded"))));
    }));
    r.post("/_control/faults").handler(ctx -> reply(ctx, () -> {
      JsonObject b = body(ctx);
      fake.injectFaults(b.getInteger("status", 429), b.getInteger("count", 1), b.getLong("retry_after", 1L), b.getString("route"));
      return OK;
    }));
    r.get("/_control/requests").handler(ctx -> reply(ctx, fake::requests));
    r.post("/_control/requests/reset").handler(ctx -> reply(ctx, () -> {
      fake.resetRequests();
      return OK;
    }));
    r.post("/_control/webhooks").handler(ctx -> reply(ctx, () -> {
      JsonObject b = body(ctx);
      fake.webhooks(b.getString("secret"), b.getString("url"), b.getBoolean("enabled", true));
      return OK;
    }));
    r.get("/_control/webhooks").handler(ctx -> reply(ctx, () -> new JsonObject().put("deliveries", fake.deliveries())));
    r.post("/_control/autopilot").handler(ctx -> reply(ctx, () -> {
      JsonObject b = body(ctx);
      fake.autopilot(b.getBoolean("enabled", true), b.getLong("step_ms", 1000L), b.getInteger("steps", 10));
      return OK;
    }));
    r.post("/_control/reset").handler(ctx -> reply(ctx, () -> {
      fake.reset();
      return OK;
    }));
  }

  /** An unknown job is a 404; any other bad input (wrong JSON types) a 400 with the reason. */
  private static void reply(RoutingContext ctx, Supplier<JsonObject> action) {
    try {
      json(ctx, 200, action.get());
    } catch (IllegalArgumentException e) {
      error(ctx, 404, e.getMessage());
    } catch (RuntimeException e) {
      error(ctx, 400, String.valueOf(e.getMessage()));
    }
  }
}
