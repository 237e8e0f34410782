package io.trainyard.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code users} (admin): the user list; a non-admin gets the server's 403 and exit 3. */
@Command(name = "users", description = "List users (admin).")
final class UsersCommand implements Callable<Integer> {
  private static final String ROW = "%-6s %-20s %-6s %-9s %s%n";

  @ParentCommand
  TrainyardCli root;

  @Option(names = "--json", description = "Print the server's answer as JSON")
  boolean json;

  @Override
  public Integer call() {
    JsonObject page = root.rest().get("/api/users");
    if (json) {
      root.out.println(page.encodePrettily());
      return Exit.OK;
    }
    root.out.printf(ROW, "ID", "USERNAME", "ADMIN", "MODE", "CREATED");
    JsonArray items = page.getJsonArray("items", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      JsonObject u = items.getJsonObject(i);
      root.out.printf(ROW, u.getValue("id"), u.getString("username"), u.getBoolean("is_admin", false) ? "yes" : "no",
          u.getString("schedule_mode"), Jobs.text(u.getString("created_at")));
    }
    return Exit.OK;
  }
}
