package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code rerun <id>}: a new job with the same type, params and priority; prints its id. */
@Command(name = "rerun", description = "Submit a job again with the same parameters.")
final class RerunCommand implements Callable<Integer> {
  @ParentCommand
  TrainyardCli root;

  @Parameters(paramLabel = "JOB_ID")
  String id;

  @Override
  public Integer call() {
    JsonObject job = root.rest().post("/api/jobs/" + Rest.q(id) + "/rerun", null).getJsonObject("job");
    root.out.println("submitted " + job.getString("job_type") + " job " + job.getString("job_id")
        + " (" + job.getString("status") + ")");
    return Exit.OK;
  }
}
