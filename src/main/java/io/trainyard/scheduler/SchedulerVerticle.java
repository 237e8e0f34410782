package io.trainyard.scheduler;

import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobRepository;
import io.trainyard.supervisor.SupervisorApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start decisions. Each pass claims, in one PostgreSQL transaction, the queued jobs this node may start
 * (see {@link JobLedger#claim}) and hands them to this node's supervisor. Passes never overlap on a
 * node, and any number of wakes during a pass cause exactly one more pass, so a burst of submissions
 * costs a few passes. A timer pass catches what no wake announced (slots freed by another node, a
 * dependency deleted after it succeeded).
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SchedulerVerticle.class.getName());
  private final JobRepository jobs;
  private final JobLedger ledger;
  private final String nodeId;
  private final long tickMs;
  private final LongConsumer passTime;
  private boolean running;
  private boolean again;
  private boolean sweepAgain;
  private long timer;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long wakes;
  private long passes;
  private long started;
  private long failedPasses;

  public SchedulerVerticle(JobRepository jobs, JobLedger ledger, String nodeId, long tickMs) {
    this(jobs, ledger, nodeId, tickMs, nanos -> { });
  }

  /** @param passTime sees how long each pass took (metrics) */
  public SchedulerVerticle(JobRepository jobs, JobLedger ledger, String nodeId, long tickMs, LongConsumer passTime) {
    this.jobs = jobs;
    this.ledger = ledger;
    this.nodeId = nodeId;
    this.tickMs = tickMs;
    this.passTime = passTime;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    consumers.add(bus.consumer(SchedulerApi.WAKE, msg -> wake(false)));
    consumers.add(bus.consumer(SchedulerApi.stats(nodeId), msg -> msg.reply(new JsonObject().put("wakes", wakes)
        .put("passes", passes).put("started", started).put("failed_passes", failedPasses))));
    timer = vertx.setPeriodic(tickMs, t -> {
      wake(true);
      // Jobs past their time limit are stopped like a cancel, so they go out with this tick's cancels.
      ledger.timeOut(nodeId).onComplete(x -> forwardCancels());
    });
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).onSuccess(v -> wake(true));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  /**
   * A cancel requested through a node that is not on this node's event bus only sets the flag in
   * PostgreSQL; hand such cancels to this node's supervisor (idempotent for jobs already stopping).
   */
  private void forwardCancels() {
    jobs.cancelRequestedOn(nodeId).onSuccess(ids -> ids.forEach(id ->
        vertx.eventBus().send(SupervisorApi.cancel(nodeId), new JsonObject().put("job_id", id))));
  }

  private void wake(boolean sweep) {
    wakes++;
    pass(sweep);
  }

  /** @param sweep also fail queued jobs whose dependency was deleted (timer passes) */
  private void pass(boolean sweep) {
    if (running) {
      again = true;
      sweepAgain |= sweep;
      return;
    }
    running = true;
    again = false;
    sweepAgain = false;
    passes++;
    long began = System.nanoTime();
    // The ledger publishes what the claim changed; this pass hands the started jobs to the supervisor.
    ledger.claim(nodeId, sweep)
        .onSuccess(claim -> {
          started += claim.started().size();
          claim.started().forEach(job ->
              vertx.eventBus().send(SupervisorApi.start(nodeId), new JsonObject().put("job_id", job.id()).put("job", job.toJson())));
        })
        .onFailure(err -> {
          failedPasses++;
          LOG.log(Level.WARNING, "scheduling pass failed; retrying on the next wake", err);
        })
        .onComplete(ar -> {
          passTime.accept(System.nanoTime() - began);
          running = false;
          // Claimed something: there may be more room (claims are capped by free node capacity).
          if (again || ar.succeeded() && !ar.result().isEmpty()) {
            pass(sweepAgain);
          }
        });
  }
}
