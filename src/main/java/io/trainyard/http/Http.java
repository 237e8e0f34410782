package io.trainyard.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Small request/response helpers shared by the route classes. */
public final class Http {
  private Http() {
  }

  /** The body as a JSON object; anything else (empty, malformed, an array, a number) is a 400. */
  public static JsonObject jsonBody(RoutingContext ctx) {
    Buffer buf = ctx.body().buffer();
    if (buf == null || buf.length() == 0) {
      throw ApiException.invalid("body", "must be a JSON object");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(buf);
    } catch (DecodeException e) {
      throw ApiException.invalid("body", "is not valid JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw ApiException.invalid("body", "must be a JSON object");
    }
    return obj;
  }

  /** An optional body: empty means {}. */
  public static JsonObject optionalJsonBody(RoutingContext ctx) {
    Buffer buf = ctx.body().buffer();
    return buf == null || buf.length() == 0 ? new JsonObject() : jsonBody(ctx);
  }

  /** Sends the future's JSON as 200, or routes its failure to the problem handler. */
  public static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.json(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** Runs a handler body, turning thrown validation errors into failures. */
  public static void guarded(RoutingContext ctx, java.util.function.Supplier<Future<JsonObject>> body) {
    Future<JsonObject> f;
    try {
      f = body.get();
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    respond(ctx, f);
  }

  /** A boolean query parameter with a default; anything but true/false is a 400 naming it. */
  public static boolean boolParam(RoutingContext ctx, String name, boolean dflt) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    return switch (v.trim().toLowerCase()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw ApiException.invalid(name, "must be true or false");
    };
  }
}
