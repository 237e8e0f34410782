package io.trainyard.cluster;

import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Execution;
import io.trainyard.jobs.Inventory;
import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobPaths;
import io.trainyard.scheduler.SchedulerApi;
import io.trainyard.supervisor.SupervisorApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's place in the cluster: its heartbeat row in PostgreSQL, the search for nodes whose
 * heartbeat stopped (and that the cluster manager no longer lists), the admin view of all nodes, and
 * coming back after being declared lost. Liveness is decided in PostgreSQL, which every node shares,
 * so nodes never disagree about who is lost; Hazelcast membership keeps a node that is still a member
 * (a slow database, not a dead node) from being declared lost, and makes the search run as soon as a
 * departed member's timeout is up.
 */
public final class NodeVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(NodeVerticle.class.getName());

  private final NodeRegistry registry;
  private final JobLedger ledger;
  private final Membership membership;
  private final ClusterSettings settings;
  private final String nodeId;
  private final NodeRegistry.Node node;
  private final JobPaths paths;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long timer = -1;
  private boolean beating;
  private boolean rejoining;
  private final Execution execution;

  /** @param paths where this node keeps job files */
  public NodeVerticle(Pool pool, JobLedger ledger, Membership membership, ClusterSettings settings, String nodeId,
                      int capacity, JobPaths paths, Inventory inventory, Execution execution) {
    this.execution = execution;
    this.registry = new NodeRegistry(pool);
    this.ledger = ledger;
    this.membership = membership;
    this.settings = settings;
    this.nodeId = nodeId;
    this.paths = paths;
    this.node = new NodeRegistry.Node(nodeId, NodeIdentity.instanceToken(), capacity, NodeIdentity.version(),
        paths.artifacts().resolve("jobs").toString(), inventory);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    consumers.add(bus.consumer(ClusterApi.whoami(nodeId), m -> m.reply(new JsonObject().put("node_id", nodeId)
        .put("member_id", membership.memberId()))));
    consumers.add(bus.<JsonObject>consumer(ClusterApi.purge(nodeId), m -> vertx.executeBlocking(() ->
        paths.purge(m.body().getString("artifacts_dir")), false).onComplete(ar -> {
          if (ar.succeeded()) {
            m.reply(new JsonObject().put("purged", ar.result()));
          } else {
            DomainException.reply(m, ar.cause());
          }
        })));
    consumers.add(bus.localConsumer(ClusterApi.MEMBERS, m -> m.reply(new JsonObject().put("members",
        membership.members().size()))));
    serve(ClusterApi.NODES, b -> registry.list());
    serve(ClusterApi.DRAIN, b -> registry.setState(b.getString("node_id"), "draining"));
    serve(ClusterApi.RESUME, b -> registry.setState(b.getString("node_id"), "up").onSuccess(x ->
        vertx.eventBus().publish(SchedulerApi.WAKE, null)));
    Context context = vertx.getOrCreateContext();
    membership.onLeft(member -> context.runOnContext(x -> {
      LOG.info("cluster member " + member + " left; its node is declared lost if its heartbeat stays missing for "
          + settings.nodeTimeoutSeconds() + " s");
      vertx.setTimer((long) (settings.nodeTimeoutSeconds() * 1000) + 100, t -> beat());
    }));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> registry.register(node, membership.memberId()))
        .compose(state -> "lost".equals(state) ? comeBack() : Future.succeededFuture())
        .compose(v -> seeLargest())
        .onSuccess(v -> timer = vertx.setPeriodic(settings.heartbeatMs(), t -> beat()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  /** Tells submissions what the largest node offers, so they refuse only what no node could run. */
  private Future<Void> seeLargest() {
    return registry.largest().onSuccess(l -> l.ifPresent(execution::seeCluster)).mapEmpty();
  }

  /** One heartbeat; then, clustered, the search for lost nodes. One at a time. */
  private void beat() {
    if (beating) {
      return;
    }
    beating = true;
    registry.beat(nodeId, membership.memberId())
        .compose(state -> {
          if (state.isEmpty()) {
            return registry.register(node, membership.memberId()).mapEmpty();
          }
          return "lost".equals(state.get()) ? comeBack() : Future.succeededFuture();
        })
        .compose(v -> seeLargest())
        .compose(v -> settings.enabled() ? ledger.nodesLost(nodeId, settings.nodeTimeoutSeconds(), membership.members())
            : Future.succeededFuture())
        .onSuccess(lost -> {
          if (lost != null && !lost.nodes().isEmpty()) {
            LOG.warning("declared lost: " + lost.nodes() + " (no heartbeat for " + settings.nodeTimeoutSeconds()
                + " s); their running jobs failed: " + lost.failed().size());
          }
        })
        .onFailure(err -> LOG.log(Level.WARNING, "heartbeat failed; trying again in " + settings.heartbeatMs() + " ms", err))
        .onComplete(ar -> beating = false);
  }

  /**
   * This node was declared lost while it was cut off (or dead): the ledger failed its running jobs
   * and their slots went to others. Whatever processes of those jobs still run here are stopped, and
   * only then does this node take work again.
   */
  private Future<Void> comeBack() {
    if (rejoining) {
      return Future.succeededFuture();
    }
    rejoining = true;
    return registry.settledWhileLost(nodeId)
        .compose(jobs -> vertx.eventBus().<JsonObject>request(SupervisorApi.release(nodeId),
                new JsonObject().put("jobs", jobs), new DeliveryOptions().setSendTimeout(30_000).setLocalOnly(true))
            .map(reply -> {
              LOG.warning("this node (" + nodeId + ") had been declared lost; stopped " + reply.body().getInteger("stopped")
                  + " leftover job process(es) of " + jobs.size() + " job(s) settled meanwhile; taking work again");
              return null;
            }))
        .compose(v -> registry.rejoin(nodeId))
        .eventually(() -> {
          rejoining = false;
          return Future.succeededFuture();
        });
  }

  /** One local request-reply address; domain failures travel back as they are. */
  private void serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(address, msg -> {
      JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
      handler.apply(body).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          if (!(ar.cause() instanceof DomainException)) {
            LOG.log(Level.WARNING, address + " failed", ar.cause());
          }
          DomainException.reply(msg, ar.cause());
        }
      });
    }));
  }
}
