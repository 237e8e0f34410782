package io.trainyard.cli;

import io.vertx.core.json.JsonObject;

/** Posts a submission, prints the new job, and with --wait follows it to its end. */
final class Submission {
  private Submission() {
  }

  static int submit(TrainyardCli root, String route, JsonObject body, WaitOptions options) {
    Rest rest = root.rest();
    JsonObject job = rest.post(route, body).getJsonObject("job");
    String id = job.getString("job_id");
    if (options.json && !options.await) {
      root.out.println(job.encodePrettily());
      return Exit.OK;
    }
    if (!options.json) {
      root.out.println("submitted " + job.getString("job_type") + " job " + id + " (" + job.getString("status") + ")");
    }
    if (!options.await) {
      return Exit.OK;
    }
    JsonObject end = Jobs.await(rest, id);
    if (options.json) {
      root.out.println(end.encodePrettily());
    } else {
      Jobs.report(end, root.out, root.err);
    }
    return Jobs.exitCode(end);
  }
}
