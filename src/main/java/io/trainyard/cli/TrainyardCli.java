package io.trainyard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code trainyard} command: a REST client of the server's contract, sharing the server's jar
 * but none of its classes (it talks to a server over HTTP exactly as any other client would).
 */
@Command(name = "trainyard", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "trainyard 0.1.0",
    description = "Command-line client of a Trainyard server.",
    subcommands = {LoginCommand.class, SubmitCommand.class, JobsCommand.class, StatusCommand.class,
        LogsCommand.class, CancelCommand.class, RerunCommand.class, FlushCommand.class, CountsCommand.class,
        UsersCommand.class, CloudCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the job failed or was canceled", "2:usage error",
        "3:server or network trouble"})
public final class TrainyardCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  final Map<String, String> env;
  final InputStream stdin;
  PrintWriter out;
  PrintWriter err;

  private TrainyardCli(Map<String, String> env, InputStream stdin) {
    this.env = env;
    this.stdin = stdin;
  }

  /** Entry from {@code Main}: the real streams and environment. */
  public static int run(String... args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    return run(args, System.getenv(), System.in, out, err);
  }

  /** Runs one command line; tests call this with their own environment (config dir) and streams. */
  public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err) {
    TrainyardCli root = new TrainyardCli(env, stdin);
    root.out = out;
    root.err = err;
    CommandLine cmd = new CommandLine(root);
    cmd.setOut(out).setErr(err);
    cmd.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof Trouble) {
        err.println("trainyard: " + ex.getMessage());
        return Exit.TROUBLE;
      }
      if (ex instanceof NotSignedIn) {
        err.println("trainyard: " + ex.getMessage());
        return Exit.USAGE;
      }
      // Anything else (a full disk, an answer we could not read) is trouble, never "the job failed".
      err.println("trainyard: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
      return Exit.TROUBLE;
    });
    try {
      return cmd.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** A command is required: picocli reports the missing one as a usage error (exit 2). */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }

  Rest rest() {
    return Rest.signedIn(Credentials.load(env));
  }

  /** The first line of standard input (for --password-stdin), without its line end. */
  String readLine() {
    try {
      String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
