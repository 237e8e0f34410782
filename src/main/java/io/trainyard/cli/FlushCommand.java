package io.trainyard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code flush}: stops and removes your active jobs (or all with --all); options are query parameters. */
@Command(name = "flush", description = "Stop and remove your active jobs (--all: every job).")
final class FlushCommand implements Callable<Integer> {
  @ParentCommand
  TrainyardCli root;

  @Option(names = "--all", description = "scope=all instead of active")
  boolean all;

  @Option(names = "--keep-artifacts", description = "purge_artifacts=false")
  boolean keepArtifacts;

  @Option(names = "--no-force", description = "force=false: leave live processes alone and list them")
  boolean noForce;

  @Override
  public Integer call() {
    String path = "/api/jobs/flush?scope=" + (all ? "all" : "active") + "&purge_artifacts=" + !keepArtifacts
        + "&force=" + !noForce;
    root.out.println(root.rest().post(path, null).encodePrettily());
    return Exit.OK;
  }
}
