package io.trainyard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Who a node is: its id must be its own in the cluster; each start is a new instance; its version. */
public final class NodeIdentity {
  private NodeIdentity() {
  }

  /**
   * Fails when a live node already answers for {@code nodeId} ({@link ClusterApi#whoami}). Asked
   * before anything of this node starts: its supervisor would otherwise settle the other node's
   * jobs as its own.
   */
  public static Future<Void> checkUnique(Vertx vertx, String nodeId) {
    return vertx.eventBus().<JsonObject>request(ClusterApi.whoami(nodeId), null, new DeliveryOptions().setSendTimeout(3000))
        .transform(ar -> ar.failed() ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("node id '" + nodeId + "' is already used by a live "
                + "cluster member (" + ar.result().body().getString("member_id") + "); give every node its own "
                + "TRAINYARD_NODE_ID (or data directory)")));
  }

  /** The version nodes report: the jar's, or "dev" when run from classes. */
  static String version() {
    String v = NodeIdentity.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** A random token per start, telling this run of a node from an earlier one. */
  static String instanceToken() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
