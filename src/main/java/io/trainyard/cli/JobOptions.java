package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The fields train and predict share. Unset options are left out of the body so the server fills
 * its own defaults (and its validation, not the CLI's, decides what is acceptable).
 */
final class JobOptions {
  @Option(names = "--dataset", required = true, description = "dataset_id, e.g. demo")
  String dataset;

  @Option(names = "--gene-size", description = "gene_size (int > 0)")
  Integer geneSize;

  @Option(names = "--output-dim", description = "output_dim (int > 0)")
  Integer outputDim;

  @Option(names = "--use-drug-structure", description = "use_drug_structure")
  Boolean useDrugStructure;

  @Option(names = "--priority", description = "priority (higher starts first among your jobs)")
  Integer priority;

  @Option(names = "--depends-on", paramLabel = "JOB_ID", description = "depends_on: wait for this job to succeed")
  String dependsOn;

  @Mixin
  WaitOptions output = new WaitOptions();

  JsonObject body() {
    JsonObject b = new JsonObject().put("dataset_id", dataset);
    put(b, "gene_size", geneSize);
    put(b, "output_dim", outputDim);
    put(b, "use_drug_structure", useDrugStructure);
    put(b, "priority", priority);
    put(b, "depends_on", dependsOn);
    return b;
  }

  static void put(JsonObject b, String key, Object value) {
    if (value != null) {
      b.put(key, value);
    }
  }
}
