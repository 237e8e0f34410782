package io.trainyard.cluster;

import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Execution;
import io.trainyard.jobs.Inventory;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * The {@code cluster_nodes} table: each node's heartbeat row, its state (up, draining, lost), and what
 * the admin routes read and change. Declaring a node lost is a job transition, so it is the ledger's.
 */
final class NodeRegistry {
  /** What this node registers: its id, this start's instance token, capacity, version and job files' root. */
  record Node(String id, String instance, int capacity, String version, String jobsDir, Inventory inventory) {
  }

  private static final String ITEM = """
      SELECT n.node_id, n.state, n.capacity, n.version, n.last_heartbeat_at,
        (SELECT count(*) FROM jobs j WHERE j.node_id = n.node_id AND j.status = 'running' AND j.provider = 'local'
           AND j.job_type <> 'sweep') AS running
      FROM cluster_nodes n""";

  private final Pool pool;

  NodeRegistry(Pool pool) {
    this.pool = pool;
  }

  /**
   * This node starts: its row names the new instance and is fresh. Its state is kept: a draining node
   * stays draining across a restart (rolling restarts), and a lost one stays lost until it has stopped
   * what it still runs ({@link #rejoin}). Answers that state.
   */
  Future<String> register(Node node, String memberId) {
    return pool.preparedQuery("""
            INSERT INTO cluster_nodes(node_id, instance, member_id, capacity, version, jobs_dir, gpus, cpus, memory_mb)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (node_id) DO UPDATE SET instance = EXCLUDED.instance, member_id = EXCLUDED.member_id,
              capacity = EXCLUDED.capacity, version = EXCLUDED.version, jobs_dir = EXCLUDED.jobs_dir,
              gpus = EXCLUDED.gpus, cpus = EXCLUDED.cpus, memory_mb = EXCLUDED.memory_mb,
              started_at = clock_timestamp(), last_heartbeat_at = clock_timestamp()
            RETURNING state""")
        .execute(Tuple.tuple().addString(node.id()).addString(node.instance()).addString(memberId)
            .addInteger(node.capacity()).addString(node.version()).addString(node.jobsDir())
            .addInteger(node.inventory().gpus().size()).addInteger(node.inventory().cpus())
            .addLong(node.inventory().memoryMb()))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /**
   * The largest GPU count, CPUs and memory any node that may still run jobs offers (lost nodes left
   * out): a request beyond them could never start anywhere.
   */
  Future<Optional<Execution.Largest>> largest() {
    return pool.query("SELECT max(gpus), max(cpus), max(memory_mb) FROM cluster_nodes WHERE state <> 'lost'").execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return r.getInteger(0) == null ? Optional.empty()
              : Optional.of(new Execution.Largest(r.getInteger(0), r.getInteger(1), r.getLong(2)));
        });
  }

  /** The heartbeat; answers the row's state (empty if the row is gone). */
  Future<Optional<String>> beat(String nodeId, String memberId) {
    return pool.preparedQuery("""
            UPDATE cluster_nodes SET last_heartbeat_at = clock_timestamp(), member_id = $2 WHERE node_id = $1
            RETURNING state""")
        .execute(Tuple.of(nodeId, memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /**
   * The jobs the ledger failed when this node was declared lost, with the pid and start time their
   * processes had: {@code [{job_id, pid, pid_start}]}.
   */
  Future<JsonArray> settledWhileLost(String nodeId) {
    return pool.preparedQuery("""
            SELECT j.job_id, j.pid, j.pid_start FROM jobs j JOIN cluster_nodes n ON n.node_id = j.node_id
            WHERE j.node_id = $1 AND n.state = 'lost' AND j.status = 'failed' AND j.error = 'node ' || $1 || ' was lost'
              AND j.finished_at >= n.lost_at - interval '1 minute'""")
        .execute(Tuple.of(nodeId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("job_id", r.getString(0)).put("pid", r.getInteger(1))
              .put("pid_start", r.getLong(2))));
          return out;
        });
  }

  /** A lost node that has stopped its leftover processes is up again. */
  Future<Void> rejoin(String nodeId) {
    return pool.preparedQuery("UPDATE cluster_nodes SET state = 'up', lost_at = NULL WHERE node_id = $1 AND state = 'lost'")
        .execute(Tuple.of(nodeId)).mapEmpty();
  }

  /** Every node PostgreSQL knows, in id order. */
  Future<JsonObject> list() {
    return pool.query(ITEM + " ORDER BY n.node_id").execute().map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(item(r)));
      return new JsonObject().put("items", items);
    });
  }

  /**
   * Moves a node between up and draining ({@code to}); the same state again is no change. A lost node
   * cannot be drained or resumed: it comes back by itself when it restarts.
   */
  Future<JsonObject> setState(String nodeId, String to) {
    String from = to.equals("draining") ? "up" : "draining";
    return pool.preparedQuery("UPDATE cluster_nodes SET state = $2 WHERE node_id = $1 AND state IN ($2, $3)")
        .execute(Tuple.of(nodeId, to, from))
        .compose(x -> pool.preparedQuery(ITEM + " WHERE n.node_id = $1").execute(Tuple.of(nodeId)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw DomainException.notFound("No node " + nodeId);
          }
          JsonObject node = item(rows.iterator().next());
          if (!node.getString("state").equals(to)) {
            throw DomainException.conflict("Node " + nodeId + " was lost; it rejoins when it restarts");
          }
          return new JsonObject().put("node", node);
        });
  }

  private static JsonObject item(Row r) {
    return new JsonObject().put("node_id", r.getString("node_id")).put("state", r.getString("state"))
        .put("capacity", r.getInteger("capacity")).put("running", r.getLong("running"))
        .put("last_heartbeat_at", Times.iso(r.getOffsetDateTime("last_heartbeat_at")))
        .put("version", r.getString("version"));
  }
}
