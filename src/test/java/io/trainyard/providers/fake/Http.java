package io.trainyard.providers.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON in and out for both the API and the controls, with errors in Replicate's {@code {detail, status}} shape. */
final class Http {
  private Http() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String detail) {
    json(ctx, status, new JsonObject().put("detail", detail).put("status", status));
  }

  /** The request's JSON object, or null when it is missing or not an object (the API answers 422 then). */
  static JsonObject bodyOrNull(RoutingContext ctx) {
    try {
      Buffer buf = ctx.body().buffer();
      return buf == null || buf.length() == 0 ? null : buf.toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Like {@link #bodyOrNull} but empty instead of null: every control field has a default. */
  static JsonObject body(RoutingContext ctx) {
    JsonObject b = bodyOrNull(ctx);
    return b == null ? new JsonObject() : b;
  }
}
