package io.trainyard.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.trainyard.domain.DomainException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The one failure handler: every failure becomes RFC 9457 problem+json, never a stack trace. */
public final class Problems {
  private static final Logger LOG = Logger.getLogger(Problems.class.getName());

  /** Seconds a client is asked to wait after a 503. */
  static final String RETRY_AFTER_SECONDS = "5";

  private Problems() {
  }

  public static void handle(RoutingContext ctx) {
    Throwable err = DomainException.fromReply(ctx.failure());
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String detail = null;
    JsonObject extra = null;
    if (err instanceof DomainException d) {
      status = d.kind().code;
      detail = d.getMessage();
      if (d.retryAfterSeconds() != null) {
        ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
      }
      if (!d.errors().isEmpty()) {
        extra = new JsonObject().put("errors", d.toJson().getJsonArray("errors"));
      }
    } else if (err instanceof HttpException http) {
      status = http.getStatusCode();
      detail = http.getPayload();
    } else if (err instanceof ReplyException reply) {
      // Services answer over the bus with failure codes that are HTTP statuses.
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() >= 400 && reply.failureCode() < 600) {
        status = reply.failureCode();
        detail = reply.getMessage();
      } else if (reply.failureType() == ReplyFailure.TIMEOUT) {
        status = 504;
        detail = "A backend service did not answer in time";
      } else {
        status = 503;
        detail = "A backend service is not available";
      }
    } else if (err instanceof io.vertx.pgclient.PgException pg
        && ("22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState()))) {
      // A character PostgreSQL cannot store reached a query: the request was bad, nothing was written.
      status = 400;
      detail = "The request contains characters that cannot be stored";
    } else if (err instanceof io.vertx.pgclient.PgException pg && "53100".equals(pg.getSqlState())) {
      status = 507;
      detail = "The database's disk is full; nothing was changed";
    } else if (err instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooLongFormFieldException
        || err instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooManyFormFieldsException
        || err instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.ErrorDataDecoderException) {
      // A body sent as a form (curl -d without a Content-Type) that the form decoder cannot take.
      status = 413;
      detail = "The body cannot be read as a form; send it as JSON (Content-Type: application/json)";
    } else if (io.trainyard.store.Outage.is(err)) {
      // PostgreSQL went away under this request: a passing condition, not a fault of the request.
      status = 503;
      detail = OutageGate.DETAIL;
    } else if (err != null) {
      status = 500;
    }
    if (status == 500) {
      LOG.log(Level.SEVERE, "unhandled failure on " + ctx.request().method() + " " + ctx.request().path()
          + " (request " + RequestIds.of(ctx) + ")", err);
      detail = "Internal error";
    }
    if (status == 413 && detail == null) {
      detail = "Request body is larger than the limit";
    }
    send(ctx, status, detail, extra);
  }

  /**
   * A request the HTTP decoder refused before routing (a control character in a header, a request line
   * or headers over the limits): answered like every other failure, not with the server's plain text.
   */
  public static void invalidRequest(io.vertx.core.http.HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    int status = cause instanceof io.netty.handler.codec.TooLongFrameException
        ? (String.valueOf(cause.getMessage()).contains("header") ? 431 : 414) : 400;
    req.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .putHeader("Connection", "close")
        .end(problem(status, "Malformed HTTP request", null).encode());
  }

  private static JsonObject problem(int status, String detail, String instance) {
    JsonObject body = new JsonObject().put("type", "about:blank")
        .put("title", HttpResponseStatus.valueOf(status).reasonPhrase()).put("status", status);
    if (instance != null) {
      body.put("instance", instance);
    }
    return detail == null ? body : body.put("detail", detail);
  }

  public static void send(RoutingContext ctx, int status, String detail, JsonObject extra) {
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body = problem(status, null, RequestIds.of(ctx));
    if (detail != null) {
      body.put("detail", detail);
    }
    if (extra != null) {
      body.mergeIn(extra);
    }
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"trainyard\"");
    }
    if (status == 503 && ctx.response().headers().get("Retry-After") == null) {
      // Every 503 is a passing condition (the database, a provider, a conflict): say when to ask again.
      ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
