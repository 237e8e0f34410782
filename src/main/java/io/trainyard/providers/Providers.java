package io.trainyard.providers;

import java.util.Map;

/** Display names of the provider ids used in messages. */
final class Providers {
  private static final Map<String, String> LABELS = Map.of("replicate", "Replicate");

  private Providers() {
  }

  static String label(String provider) {
    return LABELS.getOrDefault(provider, provider);
  }
}
