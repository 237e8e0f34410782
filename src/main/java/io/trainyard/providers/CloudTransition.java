package io.trainyard.providers;

import io.trainyard.jobs.CloudState;
import io.trainyard.jobs.JobStatus;
import io.trainyard.logs.Progress;
import io.trainyard.logs.ProgressParser;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider object does to a cloud job, as a pure function of the stored state, the object and
 * the clock. The rules that keep polls and webhooks from fighting:
 * <ul>
 *   <li>status only moves forward: pending &lt; queued &lt; running &lt; terminal, and a terminal status is
 *       final, so a late poll or webhook can never take a job back;</li>
 *   <li>an unknown provider status is kept in {@code error}; after the grace the job fails;</li>
 *   <li>provider logs only grow, so a copy shorter than the one applied is an older copy and is ignored.</li>
 * </ul>
 */
final class CloudTransition {
  static final String UNKNOWN_PREFIX = "unknown provider status";

  private CloudTransition() {
  }

  /** The new column values, and what changed (for publishing). */
  record Update(CloudState next, boolean statusChanged, boolean progressChanged, String logs, long oldLogBytes) {
    boolean logsChanged() {
      return logs != null;
    }
  }

  static boolean terminal(String status) {
    return JobStatus.of(status).isTerminal();
  }

  /**
   * The update a provider object calls for; empty when the job is terminal or nothing changes.
   *
   * @param mapped        the contract status of {@code obj.status()}, null if unknown
   * @param pricePerSecond price of the job's hardware, null if none is configured
   */
  static Optional<Update> decide(CloudState cur, ProviderJob obj, String mapped, Double pricePerSecond,
                                 OffsetDateTime now, long graceSeconds) {
    if (terminal(cur.status())) {
      return Optional.empty();
    }
    String status = cur.status();
    String error = cur.error();
    OffsetDateTime unknownSince = cur.unknownSince();
    if (mapped != null) {
      unknownSince = null;
      if (JobStatus.of(status).canMoveTo(JobStatus.of(mapped))) {
        status = mapped;
      }
      if (obj.error() != null && !obj.error().isBlank()) {
        error = obj.error();
      } else if (error != null && error.startsWith(UNKNOWN_PREFIX)) {
        error = null;
      }
      if (JobStatus.FAILED.wire().equals(status) && error == null) {
        error = "provider status '" + obj.status() + "'";
      }
    } else {
      String word = obj.status() == null ? "(none)" : obj.status();
      unknownSince = unknownSince == null ? now : unknownSince;
      error = UNKNOWN_PREFIX + " '" + word + "' (since " + unknownSince.toInstant() + ")";
      if (!now.isBefore(unknownSince.plusSeconds(graceSeconds))) {
        status = JobStatus.FAILED.wire();
        error = UNKNOWN_PREFIX + " '" + word + "' for longer than the " + graceSeconds + " s grace";
      }
    }

    OffsetDateTime startedAt = cur.startedAt() != null ? cur.startedAt()
        : obj.startedAt() != null ? obj.startedAt()
        : JobStatus.RUNNING.wire().equals(status) ? now : null;
    OffsetDateTime finishedAt = terminal(status) ? (obj.completedAt() != null ? obj.completedAt() : now) : null;

    // Logs and the progress parsed from them.
    String logs = null;
    long oldBytes = cur.logBytes() == null ? 0 : cur.logBytes();
    Long logBytes = cur.logBytes();
    String stage = cur.stage();
    Double progress = cur.progress();
    Long eta = cur.etaSeconds();
    String lastLog = cur.lastLog();
    if (obj.logs() != null && !obj.logs().isEmpty()) {
      long bytes = obj.logs().getBytes(StandardCharsets.UTF_8).length;
      if (cur.logBytes() == null || bytes > cur.logBytes()) {
        logs = obj.logs();
        logBytes = bytes;
        Progress p = startedAt == null ? ProgressParser.parse(logs)
            : ProgressParser.parse(logs, startedAt.toInstant().toEpochMilli(), now.toInstant().toEpochMilli());
        stage = p.stage();
        progress = p.progress();
        eta = p.etaSeconds();
        lastLog = p.lastLog();
      }
    }
    switch (JobStatus.of(status)) {
      case PENDING, QUEUED -> {
        progress = null;
        eta = null;
      }
      case SUCCESS -> {
        progress = 100.0;
        eta = 0L;
      }
      case FAILED, CANCELED -> eta = null;
      default -> {
      }
    }

    Double cost = cur.costUsd();
    if (obj.predictTime() != null && pricePerSecond != null) {
      cost = Math.round(obj.predictTime() * pricePerSecond * 1_000_000d) / 1_000_000d;
    }
    String providerStatus = obj.status() != null ? obj.status() : cur.providerStatus();

    CloudState next = new CloudState(status, providerStatus, error, unknownSince, logBytes, startedAt, finishedAt, cost, stage,
        progress, eta, lastLog, cur.hardware());
    boolean statusChanged = !status.equals(cur.status());
    boolean progressChanged = !Objects.equals(stage, cur.stage()) || !Objects.equals(progress, cur.progress())
        || !Objects.equals(lastLog, cur.lastLog());
    boolean anything = statusChanged || progressChanged || logs != null
        || !Objects.equals(providerStatus, cur.providerStatus()) || !Objects.equals(error, cur.error())
        || !sameInstant(unknownSince, cur.unknownSince()) || !sameInstant(startedAt, cur.startedAt())
        || !sameInstant(finishedAt, cur.finishedAt()) || !Objects.equals(cost, cur.costUsd())
        || !Objects.equals(eta, cur.etaSeconds());
    return anything ? Optional.of(new Update(next, statusChanged, progressChanged, logs, oldBytes)) : Optional.empty();
  }

  private static boolean sameInstant(OffsetDateTime a, OffsetDateTime b) {
    return a == null ? b == null : b != null && a.toInstant().equals(b.toInstant());
  }
}
