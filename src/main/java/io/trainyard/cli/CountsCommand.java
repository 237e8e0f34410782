package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code counts}: your unarchived jobs by status. */
@Command(name = "counts", description = "Count your jobs by status.")
final class CountsCommand implements Callable<Integer> {
  private static final List<String> ORDER = List.of("pending", "queued", "running", "success", "failed", "canceled", "total");

  @ParentCommand
  TrainyardCli root;

  @Option(names = "--json", description = "Print the server's answer as JSON")
  boolean json;

  @Override
  public Integer call() {
    JsonObject counts = root.rest().get("/api/jobs/counts");
    if (json) {
      root.out.println(counts.encodePrettily());
      return Exit.OK;
    }
    for (String k : ORDER) {
      root.out.printf("%-9s %s%n", k, Jobs.text(counts.getValue(k)));
    }
    return Exit.OK;
  }
}
