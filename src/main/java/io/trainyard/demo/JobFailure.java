package io.trainyard.demo;

/** Ends a demo job early with an exit code and the text for its final {@code ERROR:} log line. */
final class JobFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** Bad environment, parameters, dataset or model: the job could never succeed as submitted. */
  static final int INVALID_INPUT = 2;
  /** Something failed while running (e.g. an output could not be written). */
  static final int RUNTIME_FAILURE = 1;

  final int exitCode;

  JobFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  static JobFailure invalid(String message) {
    return new JobFailure(INVALID_INPUT, message);
  }
}
