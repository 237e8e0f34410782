package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Groups {@code submit train} and {@code submit predict}; on its own, {@code submit --template ID
 * [--set field=value ...]} submits a saved template with overrides.
 */
@Command(name = "submit", description = "Submit a train or predict job, or a saved template (--template).",
    subcommands = {SubmitTrain.class, SubmitPredict.class})
final class SubmitCommand implements Callable<Integer> {
  @ParentCommand
  TrainyardCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--template", paramLabel = "TEMPLATE_ID", description = "Submit this saved template")
  String template;

  @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "With --template: override a field (repeatable)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @CommandLine.Mixin
  WaitOptions output = new WaitOptions();

  /** Without train, predict or --template there is nothing to submit: a usage error (exit 2). */
  @Override
  public Integer call() {
    if (template == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing what to submit: train, predict or --template");
    }
    JsonObject set = new JsonObject();
    overrides.forEach((k, v) -> set.put(k.replace('-', '_'), Values.typed(v)));
    return Submission.submit(root, "/api/templates/" + Rest.q(template) + "/submit", new JsonObject().put("overrides", set),
        output);
  }
}
