package io.trainyard.providers;

import io.vertx.core.json.JsonObject;

/**
 * A validated cloud submission.
 *
 * @param kind        "training" or "prediction"
 * @param version     "owner/name:version_id" (a prediction may also give a bare version id)
 * @param input       the model's input
 * @param destination "owner/name" a training pushes its new version to; null for predictions
 * @param hardware    the price-table key the job is billed at; null = the provider's default
 */
public record CloudSpec(String kind, String version, JsonObject input, String destination, String hardware) {

  /** The job's {@code params} as stored and shown. */
  public JsonObject params() {
    return new JsonObject().put("version", version).put("input", input).put("kind", kind).put("destination", destination);
  }
}
