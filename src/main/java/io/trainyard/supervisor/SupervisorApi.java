package io.trainyard.supervisor;

/**
 * Event-bus contract of {@link SupervisorVerticle}. Addresses are per node, because only the node
 * that spawned a process can wait on it and signal it. Every body is {@code {"job_id": "..."}}
 * (start may add the record).
 * Replies are {@code {"job_id"}}; failure code 404 when the job is unknown.
 */
public final class SupervisorApi {
  private SupervisorApi() {
  }

  /**
   * Spawn the claimed (status running, this node) job's program. Send, no reply. The body may carry
   * the claimed record as {@code job} (as the scheduler sends it), which spares a read of the row.
   */
  public static String start(String nodeId) {
    return "supervisor." + nodeId + ".start";
  }

  /**
   * Stop a running job: SIGTERM to its process group, SIGKILL after the grace. Replies at once; the
   * job becomes canceled when its process has exited. A job whose process is gone is settled.
   */
  public static String cancel(String nodeId) {
    return "supervisor." + nodeId + ".cancel";
  }

  /** SIGKILL the job's process group now; replies once the exit has been recorded (flush). */
  public static String kill(String nodeId) {
    return "supervisor." + nodeId + ".kill";
  }

  /**
   * A job running here that no process of ours backs: re-adopted if its program lives, recorded with
   * its keeper's exit status if it ended, else (gone, or its pid reused, with no status) settled canceled.
   */
  public static String settle(String nodeId) {
    return "supervisor." + nodeId + ".settle";
  }

  /**
   * Request {@code {jobs: [{job_id, pid, pid_start}]}}: jobs of this node that the ledger settled while
   * this node was cut off (declared lost). Their processes are SIGKILLed, whether this server still
   * supervises them or they outlived an earlier server (then only if pid and start time still match);
   * their settled rows are not touched. Replies {@code {stopped}}, the number of process groups signalled.
   */
  public static String release(String nodeId) {
    return "supervisor." + nodeId + ".release";
  }
}
