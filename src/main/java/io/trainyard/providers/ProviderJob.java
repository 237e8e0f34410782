package io.trainyard.providers;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * A provider's job object reduced to what Trainyard keeps. Built by {@link Provider#parse} from a
 * GET, a list page or a webhook body (they carry the same JSON).
 *
 * @param externalId  the provider's id
 * @param kind        "training" or "prediction"; null when the object does not say
 * @param status      the provider's status word, unmapped
 * @param logs        the provider's whole log text so far, or null
 * @param error       the provider's error, or null
 * @param predictTime billed seconds ({@code metrics.predict_time}), or null
 * @param version     "owner/name:version_id" (or just the version id when the model is not named)
 * @param input       the job's input
 * @param destination the destination model of a training, or null
 */
public record ProviderJob(String externalId, String kind, String status, String logs, String error,
                          Double predictTime, OffsetDateTime createdAt, OffsetDateTime startedAt,
                          OffsetDateTime completedAt, String version, JsonObject input, String destination) {
}
