package io.trainyard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Groups {@code submit train} and {@code submit predict}. */
@Command(name = "submit", description = "Submit a train or predict job.",
    subcommands = {SubmitTrain.class, SubmitPredict.class})
final class SubmitCommand {
  @ParentCommand
  TrainyardCli root;
}
