package io.trainyard.providers;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading Replicate's objects, and a guard on following its next-page URLs. */
class ReplicateProviderTest {
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  @Test
  void anObjectIsReadIntoTheFieldsTrainyardKeeps() {
    ReplicateProvider p = new ReplicateProvider(VERTX, new JsonObject());
    ProviderJob j = p.parse(new JsonObject().put("id", "x1").put("model", "acme/llm").put("version", "v9")
        .put("status", "failed").put("logs", "boom\n").put("error", new JsonObject().put("msg", "oom"))
        .put("metrics", new JsonObject().put("predict_time", 12.5))
        .put("urls", new JsonObject().put("get", "https://api.replicate.com/v1/trainings/x1"))
        .put("created_at", "2026-01-02T03:04:05.123456Z"));
    assertEquals("x1", j.externalId());
    assertEquals("training", j.kind());
    assertEquals("acme/llm:v9", j.version());
    assertEquals(12.5, j.predictTime());
    assertTrue(j.error().contains("oom"));
    assertEquals(2026, j.createdAt().getYear());
  }

  @Test
  void aNextPageOnAnotherOriginIsNotFollowedWithTheToken() {
    ReplicateProvider p = new ReplicateProvider(VERTX, new JsonObject().put("base_url", "http://127.0.0.1:9")
        .put("api_token", "secret"));
    Throwable err = p.list("training", "http://evil.example/v1/trainings?cursor=abc").cause();
    ProviderException pe = assertInstanceOf(ProviderException.class, err);
    assertEquals(502, pe.toDomain().kind().code);
  }

  @Test
  void withoutATokenNothingIsSentAndTheAnswerIs503() {
    ReplicateProvider p = new ReplicateProvider(VERTX, new JsonObject());
    ProviderException pe = assertInstanceOf(ProviderException.class, p.get("training", "x").cause());
    assertEquals(503, pe.toDomain().kind().code);
    assertTrue(pe.getMessage().contains("REPLICATE_API_TOKEN"));
  }
}
