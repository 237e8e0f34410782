package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code status <id>}: one job's record, the fields a person looks at first, or all of it as JSON. */
@Command(name = "status", description = "Show one job.")
final class StatusCommand implements Callable<Integer> {
  private static final List<String> SHOWN = List.of("job_id", "job_type", "status", "stage", "progress", "eta_seconds",
      "queue_position", "waiting_reason", "created_at", "started_at", "finished_at", "exit_code", "error",
      "model_id", "result_id", "last_log");

  @ParentCommand
  TrainyardCli root;

  @Parameters(paramLabel = "JOB_ID")
  String id;

  @Option(names = "--json", description = "Print the whole record as JSON")
  boolean json;

  @Override
  public Integer call() {
    JsonObject job = Jobs.get(root.rest(), id);
    if (json) {
      root.out.println(job.encodePrettily());
      return Exit.OK;
    }
    for (String field : SHOWN) {
      Object v = job.getValue(field);
      if (v != null) {
        root.out.printf("%-15s %s%n", field + ":", v);
      }
    }
    JsonObject params = job.getJsonObject("params");
    if (params != null) {
      root.out.printf("%-15s %s%n", "params:", params.encode());
    }
    JsonObject summary = job.getJsonObject("result_summary");
    if (summary != null) {
      root.out.printf("%-15s %s%n", "result:", summary.encode());
    }
    return Exit.OK;
  }
}
