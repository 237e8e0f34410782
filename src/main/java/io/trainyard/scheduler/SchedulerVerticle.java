package io.trainyard.scheduler;

import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobRepository;
import io.trainyard.supervisor.SupervisorApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start decisions. Each pass claims, in one PostgreSQL transaction, the queued jobs this node may start
 * (see {@link JobLedger#claim}) and hands them to this node's supervisor. Passes never overlap on
 * a node; a wake during a pass triggers exactly one more pass. A timer pass catches anything missed,
 * e.g. slots freed by another node.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SchedulerVerticle.class.getName());
  private final JobRepository jobs;
  private final JobLedger ledger;
  private final String nodeId;
  private final long tickMs;
  private boolean running;
  private boolean again;
  private long timer;
  private MessageConsumer<Object> consumer;

  public SchedulerVerticle(JobRepository jobs, JobLedger ledger, String nodeId, long tickMs) {
    this.jobs = jobs;
    this.ledger = ledger;
    this.nodeId = nodeId;
    this.tickMs = tickMs;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(SchedulerApi.WAKE, msg -> wake());
    timer = vertx.setPeriodic(tickMs, t -> {
      wake();
      forwardCancels();
    });
    return consumer.completion().onSuccess(v -> wake());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return consumer.unregister();
  }

  /**
   * A cancel requested through a node that is not on this node's event bus only sets the flag in
   * PostgreSQL; hand such cancels to this node's supervisor (idempotent for jobs already stopping).
   */
  private void forwardCancels() {
    jobs.cancelRequestedOn(nodeId).onSuccess(ids -> ids.forEach(id ->
        vertx.eventBus().send(SupervisorApi.cancel(nodeId), new JsonObject().put("job_id", id))));
  }

  private void wake() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    // The ledger publishes what the claim changed; this pass hands the started jobs to the supervisor.
    ledger.claim(nodeId)
        .onSuccess(claim -> claim.started().forEach(job ->
            vertx.eventBus().send(SupervisorApi.start(nodeId), new JsonObject().put("job_id", job.id()))))
        .onFailure(err -> LOG.log(Level.WARNING, "scheduling pass failed; retrying on the next wake", err))
        .onComplete(ar -> {
          running = false;
          // Claimed something: there may be more room (claims are capped by free node capacity).
          if (again || ar.succeeded() && !ar.result().isEmpty()) {
            wake();
          }
        });
  }
}
