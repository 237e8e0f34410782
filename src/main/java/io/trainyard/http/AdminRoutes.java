package io.trainyard.http;

import io.trainyard.cluster.ClusterApi;
import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Cluster administration (admins only): the nodes, and draining one for a rolling restart. */
final class AdminRoutes {
  /** Node ids are configured names: letters, digits and {@code ._:-}. */
  private static final String NODE_ID = "[A-Za-z0-9._:-]{1,100}";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000);

  void mount(Router router) {
    router.get("/api/admin/nodes").handler(ctx -> Http.guarded(ctx, () -> {
      AuthRoutes.requireAdmin(ctx);
      return ask(ctx, ClusterApi.NODES, new JsonObject());
    }));
    router.post("/api/admin/nodes/:node_id/drain").handler(ctx -> Http.guarded(ctx, () -> {
      AuthRoutes.requireAdmin(ctx);
      return ask(ctx, ClusterApi.DRAIN, node(ctx));
    }));
    router.post("/api/admin/nodes/:node_id/resume").handler(ctx -> Http.guarded(ctx, () -> {
      AuthRoutes.requireAdmin(ctx);
      return ask(ctx, ClusterApi.RESUME, node(ctx));
    }));
  }

  private static JsonObject node(RoutingContext ctx) {
    String id = ctx.pathParam("node_id");
    if (id == null || !id.matches(NODE_ID)) {
      throw DomainException.invalid("node_id", "must be a node id: 1 to 100 letters, digits or ._:-");
    }
    return new JsonObject().put("node_id", id);
  }

  private static Future<JsonObject> ask(RoutingContext ctx, String address, JsonObject request) {
    return ctx.vertx().eventBus().<JsonObject>request(address, request, LOCAL).map(m -> m.body());
  }
}
