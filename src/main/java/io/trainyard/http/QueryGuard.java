package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a query string that cannot be decoded (a malformed percent escape such as {@code %zz}) with
 * a 400 naming it, before any handler asks for a parameter: Vert.x decodes the query lazily and would
 * otherwise throw from deep inside a handler, which the failure handler can only call a 500.
 */
final class QueryGuard {
  private QueryGuard() {
  }

  static void check(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(DomainException.invalid("query", "is not a valid query string (malformed percent escape)"));
      return;
    }
    ctx.next();
  }
}
