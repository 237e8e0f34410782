package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code cancel <id>}: asks the server to stop the job (a running one ends once its process exits). */
@Command(name = "cancel", description = "Cancel a job.")
final class CancelCommand implements Callable<Integer> {
  @ParentCommand
  TrainyardCli root;

  @Parameters(paramLabel = "JOB_ID")
  String id;

  @Override
  public Integer call() {
    JsonObject job = root.rest().post("/api/jobs/" + Rest.q(id) + "/cancel", null).getJsonObject("job");
    root.out.println("job " + job.getString("job_id") + " " + job.getString("status")
        + (job.getBoolean("cancel_requested", false) && !Jobs.terminal(job) ? " (cancel requested)" : ""));
    return Exit.OK;
  }
}
