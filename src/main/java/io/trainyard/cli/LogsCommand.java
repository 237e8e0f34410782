package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code logs <id> [-f]}: the log's tail, or with -f the whole log followed by byte offsets until the
 * job ends (the exit code then mirrors the outcome, so {@code logs -f} can gate a script).
 */
@Command(name = "logs", description = "Print a job's log; -f follows it until the job ends.")
final class LogsCommand implements Callable<Integer> {
  private static final long FIRST_PAUSE_MS = 100;
  private static final long MAX_PAUSE_MS = 1000;

  @ParentCommand
  TrainyardCli root;

  @Parameters(paramLabel = "JOB_ID")
  String id;

  @Option(names = {"-f", "--follow"}, description = "Follow the log until the job ends")
  boolean follow;

  @Override
  public Integer call() {
    Rest rest = root.rest();
    String path = "/api/jobs/" + Rest.q(id) + "/log";
    if (!follow) {
      root.out.print(rest.get(path).getString("log", ""));
      root.out.flush();
      return Exit.OK;
    }
    long offset = 0;
    long pause = FIRST_PAUSE_MS;
    boolean ended = false;
    JsonObject job = null;
    while (true) {
      JsonObject chunk = rest.get(path + "?offset=" + offset);
      String text = chunk.getString("log", "");
      root.out.print(text);
      root.out.flush();
      long next = chunk.getLong("next_offset", offset);
      boolean drained = next == offset;
      offset = next;
      // Once the job was seen ended nothing more is appended: read on until a read brings nothing
      // (one read answers at most a chunk of the log, so a long log takes several).
      if (ended) {
        if (drained) {
          break;
        }
        continue;
      }
      job = Jobs.get(rest, id);
      ended = Jobs.terminal(job);
      if (!ended && text.isEmpty()) {
        Jobs.sleep(pause);
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      } else {
        pause = FIRST_PAUSE_MS;
      }
    }
    Jobs.report(job, root.err, root.err);
    return Jobs.exitCode(job);
  }
}
