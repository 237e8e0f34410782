package io.trainyard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Groups {@code submit train} and {@code submit predict}. */
@Command(name = "submit", description = "Submit a train or predict job.",
    subcommands = {SubmitTrain.class, SubmitPredict.class})
final class SubmitCommand implements Runnable {
  @ParentCommand
  TrainyardCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Without train or predict there is nothing to submit: a usage error (exit 2). */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing what to submit: train or predict");
  }
}
