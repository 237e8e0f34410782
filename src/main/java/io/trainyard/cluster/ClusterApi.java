package io.trainyard.cluster;

/**
 * Event-bus contract of {@link NodeVerticle}. Bodies are JSON objects; domain failures come back as
 * {@code DomainException} replies (404 unknown node, 409 lost node).
 */
public final class ClusterApi {
  private ClusterApi() {
  }

  /**
   * Request, per node (any body): replies {@code {node_id, member_id}}. A node asks its own id before
   * it starts anything: an answer means another live node holds that id.
   */
  public static String whoami(String nodeId) {
    return "cluster." + nodeId + ".whoami";
  }

  /**
   * Request, per node {@code {artifacts_dir}}: removes a deleted job's directory from this node's disk
   * (only under its own {@code <data>/artifacts/jobs/}); replies {@code {purged: bool}}.
   */
  public static String purge(String nodeId) {
    return "cluster." + nodeId + ".purge";
  }

  /** Request, local (any body): replies {@code {members}}, the members the cluster manager sees (1 alone). */
  public static final String MEMBERS = "cluster.members";

  /**
   * Request, local (any body): replies {@code {items: [{node_id, state: up|draining|lost, capacity,
   * running, last_heartbeat_at, version}]}}, from PostgreSQL, so every node answers the same.
   */
  public static final String NODES = "cluster.nodes.list";

  /** Request, local {@code {node_id}}: the node stops starting jobs; replies {@code {node}}. */
  public static final String DRAIN = "cluster.nodes.drain";

  /** Request, local {@code {node_id}}: the node starts jobs again; replies {@code {node}}. */
  public static final String RESUME = "cluster.nodes.resume";
}
