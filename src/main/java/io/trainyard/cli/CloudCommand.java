package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cloud submit}: a job at a cloud provider (POST /api/cloud/jobs), optionally waited for. */
@Command(name = "cloud", description = "Cloud provider jobs.", subcommands = CloudCommand.Submit.class)
final class CloudCommand {
  @ParentCommand
  TrainyardCli root;

  /** {@code cloud submit --version owner/name:id --kind training|prediction --input k=v ...}. */
  @Command(name = "submit", description = "Submit a job to a cloud provider.")
  static final class Submit implements Callable<Integer> {
    @ParentCommand
    CloudCommand cloud;

    @Option(names = "--provider", defaultValue = "replicate", description = "provider (default: ${DEFAULT-VALUE})")
    String provider;

    @Option(names = "--version", required = true, description = "owner/name:version_id")
    String version;

    @Option(names = "--kind", required = true, description = "training or prediction")
    String kind;

    @Option(names = "--input", paramLabel = "KEY=VALUE", description = "an input field (repeatable); numbers and true/false are sent as such")
    Map<String, String> input = new LinkedHashMap<>();

    @Option(names = "--destination", description = "owner/model for a training's result")
    String destination;

    @Option(names = "--hardware", description = "the provider's hardware name")
    String hardware;

    @Mixin
    WaitOptions output = new WaitOptions();

    @Override
    public Integer call() {
      JsonObject in = new JsonObject();
      input.forEach((k, v) -> in.put(k, Values.typed(v)));
      JsonObject body = new JsonObject().put("provider", provider).put("version", version).put("kind", kind)
          .put("input", in);
      if (destination != null) {
        body.put("destination", destination);
      }
      if (hardware != null) {
        body.put("hardware", hardware);
      }
      return Submission.submit(cloud.root, "/api/cloud/jobs", body, output);
    }
  }
}
