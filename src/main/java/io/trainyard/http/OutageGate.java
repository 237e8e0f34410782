package io.trainyard.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BooleanSupplier;

/**
 * While PostgreSQL cannot be reached, answers every API request 503 problem+json with Retry-After at
 * once, before authentication (which needs the database too) and before any work is started. The
 * routes that need no database (health, which reports the outage itself, and the API description)
 * pass.
 */
final class OutageGate implements Handler<RoutingContext> {
  static final String DETAIL = "The database cannot be reached at the moment; nothing was changed. Try again shortly";
  private final BooleanSupplier reachable;

  OutageGate(BooleanSupplier reachable) {
    this.reachable = reachable;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    if (reachable.getAsBoolean() || path.equals("/api/health") || path.startsWith("/api/openapi") || path.startsWith("/api/docs")) {
      ctx.next();
      return;
    }
    Problems.send(ctx, 503, DETAIL, null);
  }
}
