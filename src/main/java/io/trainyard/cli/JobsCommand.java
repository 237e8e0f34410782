package io.trainyard.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code jobs}: the caller's jobs, newest first, as a table or as the server's JSON. */
@Command(name = "jobs", description = "List your jobs (admin: all), newest first.")
final class JobsCommand implements Callable<Integer> {
  private static final String ROW = "%-24s %-8s %-9s %8s  %s%n";

  @ParentCommand
  TrainyardCli root;

  @Option(names = "--status", description = "Only these statuses (comma-separated)")
  String status;

  @Option(names = "--type", description = "Only this job type")
  String type;

  @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "Print the server's answer as JSON")
  boolean json;

  @Override
  public Integer call() {
    StringBuilder path = new StringBuilder("/api/jobs?limit=").append(limit);
    if (status != null) {
      path.append("&status=").append(Rest.q(status));
    }
    if (type != null) {
      path.append("&job_type=").append(Rest.q(type));
    }
    JsonObject page = root.rest().get(path.toString());
    if (json) {
      root.out.println(page.encodePrettily());
      return Exit.OK;
    }
    root.out.printf(ROW, "ID", "TYPE", "STATUS", "PROGRESS", "CREATED");
    JsonArray items = page.getJsonArray("items", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      JsonObject j = items.getJsonObject(i);
      Object progress = j.getValue("progress");
      root.out.printf(ROW, j.getString("job_id"), j.getString("job_type"), j.getString("status"),
          progress == null ? "-" : progress + "%", Jobs.text(j.getString("created_at")));
    }
    if (page.getInteger("total", items.size()) > items.size()) {
      root.out.println("(" + items.size() + " of " + page.getInteger("total") + "; use --limit for more)");
    }
    return Exit.OK;
  }
}
