package io.trainyard.http;

import io.trainyard.domain.DomainException;
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
      throw DomainException.invalid("body", "must be a JSON object");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(buf);
    } catch (DecodeException e) {
      throw DomainException.invalid("body", "is not valid JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw DomainException.invalid("body", "must be a JSON object");
    }
    String nul = nulPath(obj, "");
    if (nul != null) {
      // PostgreSQL text cannot hold U+0000; refuse it here, naming the field, rather than fail later.
      throw DomainException.invalid(nul, "must not contain NUL characters");
    }
    return obj;
  }

  /** The dotted path of the first key or string holding U+0000, or null. */
  static String nulPath(Object value, String path) {
    if (value instanceof String s) {
      return s.indexOf('\u0000') >= 0 ? (path.isEmpty() ? "body" : path) : null;
    }
    if (value instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        String child = path.isEmpty() ? key : path + "." + key;
        if (key.indexOf('\u0000') >= 0) {
          return path.isEmpty() ? "body" : path;
        }
        String found = nulPath(o.getValue(key), child);
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof io.vertx.core.json.JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        String found = nulPath(a.getValue(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
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
      default -> throw DomainException.invalid(name, "must be true or false");
    };
  }
}
