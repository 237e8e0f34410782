package io.trainyard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobStatus;
import io.trainyard.jobs.JobType;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The jobs' Prometheus meters. Labels take only bounded values (status, job type), never job or user
 * ids. Exits and their run and queue-wait times are recorded from the ledger's announcements, the one
 * place every transition passes; the per-status gauge is read from the trigger-kept counts table,
 * refreshed every few seconds, never by scanning jobs.
 */
public final class JobMetrics {
  private static final Logger LOG = Logger.getLogger(JobMetrics.class.getName());
  /** Histogram buckets from 10 ms to a day: queue waits and run times of ML jobs span all of it. */
  private static final Duration MIN = Duration.ofMillis(10);
  private static final Duration MAX = Duration.ofDays(1);

  private final MeterRegistry registry;
  private final MultiGauge jobs;
  private final Timer.Builder pass;

  public JobMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.jobs = MultiGauge.builder("trainyard.jobs").description("Unarchived jobs by status and type")
        .register(registry);
    this.pass = Timer.builder("trainyard.scheduler.pass").description("One start-decision pass of a node's scheduler")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10));
    // Every series exists from the start, at zero, so a dashboard or an alert never sees a gap.
    pass.register(registry);
    publish(java.util.Map.of());
    for (JobType type : JobType.values()) {
      for (JobStatus end : JobStatus.terminal()) {
        exits(type.wire(), end.wire());
      }
      runTime(type.wire());
      queueWait(type.wire());
    }
  }

  private Counter exits(String type, String status) {
    return Counter.builder("trainyard.job.exits").description("Jobs that ended, by type and outcome")
        .tags("job_type", type, "status", status).register(registry);
  }

  /**
   * A verticle that refreshes the per-status gauge from the counts table every {@code periodMs}
   * (undeploying it stops the refresh).
   */
  public VerticleBase follower(JobRepository repository, long periodMs) {
    return new VerticleBase() {
      private long timer;

      @Override
      public Future<?> start() {
        timer = vertx.setPeriodic(0, periodMs, t -> refresh(repository));
        return Future.succeededFuture();
      }

      @Override
      public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
      }
    };
  }

  private void refresh(JobRepository repository) {
    repository.countsByStatusAndType()
        .onSuccess(rows -> {
          java.util.Map<String, Long> counts = new java.util.HashMap<>();
          rows.forEach(r -> counts.put(r.status() + "/" + r.jobType(), r.count()));
          publish(counts);
        })
        .onFailure(err -> LOG.log(Level.FINE, "job counts for metrics unavailable", err));
  }

  /** One row per status and type, zero where no job is counted. */
  private void publish(java.util.Map<String, Long> counts) {
    List<MultiGauge.Row<?>> out = new ArrayList<>();
    for (JobStatus status : JobStatus.values()) {
      for (JobType type : JobType.values()) {
        long n = counts.getOrDefault(status.wire() + "/" + type.wire(), 0L);
        out.add(MultiGauge.Row.of(Tags.of("status", status.wire(), "job_type", type.wire()), n));
      }
    }
    jobs.register(out, true);
  }

  /**
   * A job the ledger announced. Its start records its queue wait (a cancel request re-announces a
   * running job, with cancel_requested set, and is no start); its end is counted once (a terminal
   * status never changes again), with its run time.
   */
  public void announced(Job job) {
    String type = job.type().wire();
    if (job.status() == JobStatus.RUNNING && !job.cancelRequested() && job.startedAt() != null && job.createdAt() != null) {
      queueWait(type)
          .record(Duration.between(job.createdAt(), job.startedAt()));
      return;
    }
    if (!job.status().isTerminal()) {
      return;
    }
    exits(type, job.status().wire()).increment();
    if (job.startedAt() != null && job.finishedAt() != null) {
      runTime(type)
          .record(Duration.between(job.startedAt(), job.finishedAt()));
    }
  }

  /** How long one scheduler pass took. */
  public void schedulerPass(long nanos) {
    pass.register(registry).record(Duration.ofNanos(nanos));
  }

  private Timer runTime(String type) {
    return timer("trainyard.run", "Run time of jobs that started, by type", type);
  }

  private Timer queueWait(String type) {
    return timer("trainyard.queue.wait", "Time from submission to start, by type", type);
  }

  private Timer timer(String name, String description, String type) {
    return Timer.builder(name).description(description).tag("job_type", type).publishPercentileHistogram()
        .minimumExpectedValue(MIN).maximumExpectedValue(MAX).register(registry);
  }
}
