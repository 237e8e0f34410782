package io.trainyard.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one status vocabulary. A job only moves forward, pending &lt; queued &lt; running &lt; terminal,
 * and a terminal status never changes again; {@link #canMoveTo} is that rule, and the lifecycle
 * owner ({@link JobLedger}) builds every status guard of its SQL from it. The one backward move, a
 * retry (running to queued, LedgerSql.RETRY), is outside the rule on purpose and has its own guard.
 */
public enum JobStatus {
  /** A cloud submission the provider has not acknowledged yet. */
  PENDING(0),
  QUEUED(1),
  RUNNING(2),
  SUCCESS(3),
  FAILED(3),
  CANCELED(3);

  private final int rank;

  JobStatus(int rank) {
    this.rank = rank;
  }

  /** The contract's spelling ({@code "queued"}). */
  public String wire() {
    return name().toLowerCase();
  }

  @Override
  public String toString() {
    return wire();
  }

  public boolean isTerminal() {
    return rank == 3;
  }

  public boolean isActive() {
    return !isTerminal();
  }

  /** Forward only; nothing leaves a terminal status. */
  public boolean canMoveTo(JobStatus next) {
    return !isTerminal() && next.rank > rank;
  }

  /** The statuses a job may be in to move to {@code target}. */
  public static List<JobStatus> sourcesOf(JobStatus target) {
    return Arrays.stream(values()).filter(s -> s.canMoveTo(target)).toList();
  }

  public static List<JobStatus> active() {
    return Arrays.stream(values()).filter(JobStatus::isActive).toList();
  }

  public static List<JobStatus> terminal() {
    return Arrays.stream(values()).filter(JobStatus::isTerminal).toList();
  }

  /** A SQL list literal, e.g. {@code ('pending', 'queued')}; the values are this enum's own names. */
  public static String sql(List<JobStatus> statuses) {
    return statuses.stream().map(s -> "'" + s.wire() + "'").collect(Collectors.joining(", ", "(", ")"));
  }

  /** The status of a wire name; {@link IllegalArgumentException} for anything else. */
  public static JobStatus of(String wire) {
    for (JobStatus s : values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown job status: " + wire);
  }

  /** Whether a string is one of the wire names (for validating filters). */
  public static boolean isWire(String wire) {
    return Arrays.stream(values()).anyMatch(s -> s.wire().equals(wire));
  }
}
