package io.trainyard.cli;

import picocli.CommandLine.Option;

/** What every submitting command offers: wait for the end, and print JSON. */
final class WaitOptions {
  @Option(names = "--wait", description = "Wait for the job to end; the exit code mirrors its outcome")
  boolean await;

  @Option(names = "--json", description = "Print the job record as JSON")
  boolean json;
}
