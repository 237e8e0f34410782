package io.trainyard.app;

import io.trainyard.cluster.ClusterApi;
import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobControl;
import io.trainyard.providers.ProvidersApi;
import io.trainyard.supervisor.SupervisorApi;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** {@link JobControl} over the event bus: the owning node's supervisor, or the providers verticle. */
final class JobControlClient implements JobControl {
  private final EventBus bus;

  JobControlClient(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public Future<Boolean> settle(Job job) {
    return ask(SupervisorApi.settle(job.nodeId()), job, 5_000);
  }

  @Override
  public Future<Boolean> cancel(Job job) {
    return ask(SupervisorApi.cancel(job.nodeId()), job, 10_000);
  }

  @Override
  public Future<Boolean> kill(Job job) {
    return ask(SupervisorApi.kill(job.nodeId()), job, 30_000);
  }

  @Override
  public Future<Boolean> purge(Job job) {
    return bus.request(ClusterApi.purge(job.nodeId()), new JsonObject().put("artifacts_dir", job.artifactsDir()),
            new DeliveryOptions().setSendTimeout(10_000))
        .map(true)
        .recover(err -> unanswered(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<Void> cancelCloud(String jobId) {
    return bus.request(ProvidersApi.CANCEL, new JsonObject().put("job_id", jobId), new DeliveryOptions().setSendTimeout(45_000))
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture(DomainException.fromReply(err)));
  }

  /**
   * Without an answering consumer nothing is decided here: that node settles its own jobs when it
   * starts, and picks up a cancel_requested flag on its next scheduler tick. Settling from here could
   * cancel a job that is alive elsewhere. A node that just died still has its consumers listed until
   * the cluster notices, so no answer in time counts as no answer too (its jobs are settled when it
   * is declared lost).
   */
  private Future<Boolean> ask(String address, Job job, long timeoutMs) {
    return bus.request(address, new JsonObject().put("job_id", job.id()), new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(true)
        .recover(err -> unanswered(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  private static boolean unanswered(Throwable err) {
    return err instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT);
  }
}
