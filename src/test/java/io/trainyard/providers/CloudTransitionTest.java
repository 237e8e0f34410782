package io.trainyard.providers;

import io.trainyard.jobs.CloudState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules that keep polls and webhooks from fighting, without a database. */
class CloudTransitionTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static final ReplicateProvider REPLICATE = new ReplicateProvider(VERTX, new JsonObject()
      .put("default_hardware", "gpu-l40s").put("prices", new JsonObject().put("gpu-l40s", 0.000975).put("gpu-h100", 0.001525)));
  private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  private static CloudState state(String status) {
    return new CloudState(status, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static ProviderJob obj(String status, String logs, Double predictTime) {
    return new ProviderJob("abc", "training", status, logs, null, predictTime, null, null, null, "o/m:v", null, null);
  }

  private static Optional<CloudTransition.Update> decide(CloudState cur, ProviderJob o, OffsetDateTime now) {
    return CloudTransition.decide(cur, o, REPLICATE.mapStatus(o.status()), REPLICATE.pricePerSecond(cur.hardware()), now, 600);
  }

  @Test
  void providerStatusesMapAsTheContractSays() {
    assertEquals("queued", REPLICATE.mapStatus("starting"));
    assertEquals("running", REPLICATE.mapStatus("processing"));
    assertEquals("success", REPLICATE.mapStatus("succeeded"));
    assertEquals("failed", REPLICATE.mapStatus("failed"));
    assertEquals("canceled", REPLICATE.mapStatus("canceled"));
    assertEquals("failed", REPLICATE.mapStatus("aborted"));
    assertNull(REPLICATE.mapStatus("paused"));
  }

  @Test
  void aTerminalJobNeverChangesAgain() {
    for (String terminal : new String[] {"success", "failed", "canceled"}) {
      for (String provider : new String[] {"starting", "processing", "succeeded", "failed", "weird"}) {
        assertTrue(decide(state(terminal), obj(provider, "more logs", 9.0), NOW).isEmpty(), terminal + " <- " + provider);
      }
    }
  }

  @Test
  void statusNeverMovesBackwards() {
    CloudTransition.Update u = decide(state("running"), obj("starting", null, null), NOW).orElse(null);
    // Only the provider status word is news; the job stays running.
    assertNotNull(u);
    assertEquals("running", u.next().status());
    assertFalse(u.statusChanged());
    assertEquals("queued", decide(state("pending"), obj("starting", null, null), NOW).orElseThrow().next().status());
  }

  @Test
  void successCarriesCostAtTheDefaultHardwarePriceAndFullProgress() {
    CloudTransition.Update u = decide(state("running"), obj("succeeded", "step 5/10\n", 100.0), NOW).orElseThrow();
    assertEquals("success", u.next().status());
    assertEquals(0.0975, u.next().costUsd(), 1e-9);
    assertEquals(100.0, u.next().progress());
    assertEquals(0L, u.next().etaSeconds());
    assertEquals(NOW, u.next().finishedAt());
    CloudState h100 = new CloudState("running", null, null, null, null, null, null, null, null, null,
        null, null, "gpu-h100");
    assertEquals(0.1525, decide(h100, obj("succeeded", null, 100.0), NOW).orElseThrow().next().costUsd(), 1e-9);
  }

  @Test
  void abortedEndsFailedWithAnError() {
    CloudTransition.Update u = decide(state("running"), obj("aborted", null, null), NOW).orElseThrow();
    assertEquals("failed", u.next().status());
    assertTrue(u.next().error().contains("aborted"), u.next().error());
  }

  @Test
  void anUnknownStatusIsKeptInErrorAndFailsOnlyAfterTheGrace() {
    CloudTransition.Update first = decide(state("running"), obj("paused", null, null), NOW).orElseThrow();
    assertEquals("running", first.next().status());
    assertTrue(first.next().error().contains("'paused'"), first.next().error());
    assertEquals(NOW, first.next().unknownSince());
    CloudState still = first.next();
    assertTrue(decide(still, obj("paused", null, null), NOW.plusSeconds(599)).isEmpty(), "nothing new inside the grace");
    CloudTransition.Update late = decide(still, obj("paused", null, null), NOW.plusSeconds(600)).orElseThrow();
    assertEquals("failed", late.next().status());
    // Known again inside the grace: the note goes away.
    CloudTransition.Update back = decide(still, obj("processing", null, null), NOW.plusSeconds(10)).orElseThrow();
    assertEquals("running", back.next().status());
    assertNull(back.next().error());
    assertNull(back.next().unknownSince());
  }

  @Test
  void anOlderShorterCopyOfTheLogsIsIgnoredAndProgressComesFromTheLogs() {
    CloudTransition.Update u = decide(state("running"), obj("processing", "loading\nepoch 1/4 step 30/100 loss 0.3\n", null), NOW)
        .orElseThrow();
    assertEquals(30.0, u.next().progress());
    assertEquals("Training", u.next().stage());
    assertEquals("epoch 1/4 step 30/100 loss 0.3", u.next().lastLog());
    assertTrue(u.logsChanged());
    assertTrue(decide(u.next(), obj("processing", "loading\n", null), NOW).isEmpty());
  }
}
