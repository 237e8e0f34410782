package io.trainyard.cli;

/** The exit codes scripts can rely on (the contract's CLI line): picocli already answers 2 for usage. */
final class Exit {
  static final int OK = 0;
  /** The job the command waited for or followed ended failed or canceled. */
  static final int JOB_FAILED = 1;
  static final int USAGE = 2;
  /** The server refused the request (problem+json) or could not be reached. */
  static final int TROUBLE = 3;

  private Exit() {
  }
}
