package io.trainyard.providers;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A cloud provider that runs training and prediction jobs. Every call fails with a
 * {@link ProviderException} (never anything else) when the provider did not deliver.
 */
public interface Provider {

  /** The name used in routes and the {@code provider} column, e.g. "replicate". */
  String name();

  /** Whether an API token is configured; without one nothing is sent. */
  boolean configured();

  /** Whether submissions ask the provider to deliver webhooks (a webhook URL is configured). */
  boolean webhooksConfigured();

  /** The Standard Webhooks secret ({@code whsec_...}), or null. */
  String webhookSecret();

  /** Submits a job; answers the provider's object. */
  Future<ProviderJob> create(CloudSpec spec);

  /** The provider's current object of one job. */
  Future<ProviderJob> get(String kind, String externalId);

  /** One page of the account's jobs of one kind, newest first; {@code cursor} null = the first page. */
  Future<Page> list(String kind, String cursor);

  /** Asks the provider to cancel a job; answers the object after the request. */
  Future<ProviderJob> cancel(String kind, String externalId);

  /** Checks the token with the provider; answers a sentence saying whose account it is. */
  Future<String> validate();

  /** Reads a provider object (GET, list entry or webhook body). */
  ProviderJob parse(JsonObject object);

  /**
   * The contract's status for a provider status: queued, running, success, failed or canceled;
   * null for a status we do not know.
   */
  String mapStatus(String providerStatus);

  /** The hardware names the price table knows. */
  java.util.Set<String> hardware();

  /** USD per second of a hardware name (null = default hardware); null when the table has no price. */
  Double pricePerSecond(String hardware);

  /** One page of a list: the jobs and the cursor of the next page (null on the last). */
  record Page(List<ProviderJob> items, String next) {
  }
}
