package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.Console;
import java.util.concurrent.Callable;

/** Signs in and keeps the token, so later commands need neither URL nor password. */
@Command(name = "login", description = "Sign in and store the server URL and token.")
final class LoginCommand implements Callable<Integer> {
  @ParentCommand
  TrainyardCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", required = true, description = "Server URL, e.g. http://127.0.0.1:8080")
  String url;

  @Option(names = "--user", required = true, description = "User name")
  String user;

  @Option(names = "--password-stdin", description = "Read the password from the first line of standard input")
  boolean passwordStdin;

  @Override
  public Integer call() {
    String password = password();
    JsonObject answer = new Rest(url, null).post("/api/auth/login",
        new JsonObject().put("username", user).put("password", password));
    String token = answer.getString("token");
    if (token == null) {
      throw new Trouble("the server at " + url + " answered the login without a token");
    }
    new Credentials(url, token).save(root.env);
    root.out.println("Signed in to " + url + " as " + user + " (token stored in " + Credentials.file(root.env) + ")");
    return Exit.OK;
  }

  /** --password-stdin first (scripts), then TRAINYARD_PASSWORD, then a prompt that does not echo. */
  private String password() {
    if (passwordStdin) {
      return root.readLine();
    }
    String fromEnv = root.env.get("TRAINYARD_PASSWORD");
    if (fromEnv != null) {
      return fromEnv;
    }
    Console console = System.console();
    if (console == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "no terminal to ask for the password: use --password-stdin or TRAINYARD_PASSWORD");
    }
    char[] typed = console.readPassword("Password for %s: ", user);
    return typed == null ? "" : new String(typed);
  }
}
