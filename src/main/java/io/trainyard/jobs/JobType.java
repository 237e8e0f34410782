package io.trainyard.jobs;

import java.util.Arrays;

/** What a job is: a local train or predict program, a sweep parent (no process), or a cloud job. */
public enum JobType {
  TRAIN, PREDICT,
  /** The parent of a sweep: holds no slot and no process; its status summarizes its shards. */
  SWEEP,
  /** Runs at a provider; never takes a local slot. */
  CLOUD;

  public String wire() {
    return name().toLowerCase();
  }

  @Override
  public String toString() {
    return wire();
  }

  /** Types a user submits directly to run as a local process. */
  public boolean isLocalProgram() {
    return this == TRAIN || this == PREDICT;
  }

  public static JobType of(String wire) {
    for (JobType t : values()) {
      if (t.wire().equals(wire)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown job type: " + wire);
  }

  public static boolean isWire(String wire) {
    return Arrays.stream(values()).anyMatch(t -> t.wire().equals(wire));
  }
}
