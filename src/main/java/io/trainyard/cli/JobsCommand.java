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
  @ParentCommand
  TrainyardCli root;

  @Option(names = "--status", description = "Only these statuses (comma-separated)")
  String status;

  @Option(names = "--type", description = "Only this job type")
  String type;

  @Option(names = "--owner", paramLabel = "USER_ID", description = "Only this user's jobs (admin)")
  Long owner;

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
    if (owner != null) {
      path.append("&owner_user_id=").append(owner);
    }
    if (type != null) {
      path.append("&job_type=").append(Rest.q(type));
    }
    JsonObject page = root.rest().get(path.toString());
    if (json) {
      root.out.println(page.encodePrettily());
      return Exit.OK;
    }
    JsonArray items = page.getJsonArray("items", new JsonArray());
    // Ids are opaque, so the id column is as wide as the longest one shown.
    int idWidth = 2;
    for (int i = 0; i < items.size(); i++) {
      idWidth = Math.max(idWidth, items.getJsonObject(i).getString("job_id", "").length());
    }
    String row = "%-" + idWidth + "s  %-7s  %-8s  %8s  %s%n";
    root.out.printf(row, "ID", "TYPE", "STATUS", "PROGRESS", "CREATED");
    for (int i = 0; i < items.size(); i++) {
      JsonObject j = items.getJsonObject(i);
      Object progress = j.getValue("progress");
      root.out.printf(row, j.getString("job_id"), j.getString("job_type"), j.getString("status"),
          progress == null ? "-" : progress + "%", Jobs.text(j.getString("created_at")));
    }
    if (page.getInteger("total", items.size()) > items.size()) {
      root.out.println("(" + items.size() + " of " + page.getInteger("total") + "; use --limit for more)");
    }
    return Exit.OK;
  }
}
