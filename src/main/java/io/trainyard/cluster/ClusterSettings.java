package io.trainyard.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cluster} section of the configuration, checked once at start so that a node that cannot
 * form a sound cluster refuses to start with a sentence saying why, instead of running half-joined.
 *
 * @param members            Hazelcast {@code host:port} of the members (TCP/IP join, never multicast)
 * @param host               the address this node announces to the others (and binds)
 * @param port               this node's Hazelcast port (0: any free port)
 * @param eventBusPort       the clustered event bus's own port (0: any free port)
 * @param nodeTimeoutSeconds how long a node's heartbeat may be missing before survivors declare it lost
 * @param heartbeatMs        how often each node writes its heartbeat and looks for lost nodes
 */
public record ClusterSettings(boolean enabled, List<String> members, String host, int port, int eventBusPort,
                              double nodeTimeoutSeconds, long heartbeatMs, String name) {

  /** Reads the {@code cluster} section (defaults as documented in conf/application.yaml). */
  public static ClusterSettings from(JsonObject cluster) {
    List<String> members = new ArrayList<>();
    Object raw = cluster.getValue("members");
    if (raw instanceof JsonArray list) {
      list.forEach(m -> members.add(String.valueOf(m).trim()));
    } else if (raw instanceof String s) {
      for (String m : s.split(",")) {
        if (!m.isBlank()) {
          members.add(m.trim());
        }
      }
    }
    return new ClusterSettings(Boolean.TRUE.equals(cluster.getValue("enabled")) || "true".equals(String.valueOf(cluster.getValue("enabled"))),
        List.copyOf(members), cluster.getString("host", "127.0.0.1"), number(cluster, "port", 5701),
        number(cluster, "eventbus_port", 0), cluster.getNumber("node_timeout_seconds", 30).doubleValue(),
        cluster.getNumber("heartbeat_ms", 5000).longValue(), cluster.getString("name", "trainyard"));
  }

  private static int number(JsonObject o, String key, int fallback) {
    Object v = o.getValue(key);
    return v instanceof Number n ? n.intValue() : fallback;
  }

  /**
   * The reasons this node cannot start clustered, empty when it can. {@code dbUrl} is the configured
   * shared PostgreSQL: every node's embedded one would be a database of its own, and per-user limits
   * and liveness live in PostgreSQL.
   */
  public List<String> problems(String dbUrl) {
    List<String> out = new ArrayList<>();
    if (!enabled) {
      return out;
    }
    if (dbUrl == null || dbUrl.isBlank()) {
      out.add("a cluster needs one shared PostgreSQL: set TRAINYARD_DB_URL (db.url) on every node");
    }
    if (members.isEmpty()) {
      out.add("TRAINYARD_CLUSTER_MEMBERS (cluster.members) must list host:port of the members, e.g. 10.0.0.1:5701,10.0.0.2:5701");
    }
    for (String m : members) {
      if (!m.matches("[A-Za-z0-9._:\\[\\]-]+:\\d{1,5}")) {
        out.add("cluster member '" + m + "' is not host:port");
      }
    }
    if (port < 0 || port > 65535) {
      out.add("TRAINYARD_CLUSTER_PORT (cluster.port) must be a port from 0 to 65535, not " + port);
    }
    if (eventBusPort < 0 || eventBusPort > 65535) {
      out.add("TRAINYARD_EVENTBUS_PORT (cluster.eventbus_port) must be a port from 0 to 65535, not " + eventBusPort);
    }
    if (host == null || host.isBlank()) {
      out.add("TRAINYARD_CLUSTER_HOST (cluster.host) must name the address this node announces");
    }
    if (!(nodeTimeoutSeconds > 0) || heartbeatMs <= 0 || heartbeatMs >= nodeTimeoutSeconds * 1000) {
      out.add("cluster.heartbeat_ms must be positive and shorter than cluster.node_timeout_seconds");
    }
    return out;
  }
}
