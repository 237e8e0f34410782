package io.trainyard.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.concurrent.atomic.AtomicInteger;

/** Open push sessions per transport, as the gauge {@code trainyard_push_sessions{transport}}. */
final class PushSessions {
  /** Updated from the HTTP event loop; atomic because the scrape reads it from another thread. */
  final AtomicInteger sockjs = new AtomicInteger();
  final AtomicInteger sse = new AtomicInteger();

  PushSessions(MeterRegistry registry) {
    if (registry != null) {
      registry.gauge("trainyard.push.sessions", Tags.of("transport", "sockjs"), sockjs);
      registry.gauge("trainyard.push.sessions", Tags.of("transport", "sse"), sse);
    }
  }
}
