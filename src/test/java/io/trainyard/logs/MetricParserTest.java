package io.trainyard.logs;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricParserTest {
  private static JsonArray point(long step, double value) {
    return new JsonArray().add(step).add(value);
  }

  @Test
  void stepLinesGiveEveryNameValuePairAtTheirStepCountedAcrossEpochs() {
    Map<String, JsonArray> s = new MetricParser().feed("""
        epoch 1/2 step 1/4 loss 0.9
        epoch 2/2 step 3/4 loss=0.5 acc: 0.7 lr 1e-3
        validation epoch 2/2 val_loss 0.45 val_r2 0.8
        step 20 grad_norm=2.5 took 3 seconds
        """);
    assertEquals(new JsonArray().add(point(1, 0.9)).add(point(7, 0.5)), s.get("loss"));
    assertEquals(new JsonArray().add(point(7, 0.7)), s.get("acc"));
    assertEquals(new JsonArray().add(point(7, 0.001)), s.get("lr"));
    assertEquals(new JsonArray().add(point(8, 0.45)), s.get("val_loss"), "at the end of epoch 2 of 4 steps");
    assertEquals(new JsonArray().add(point(20, 2.5)), s.get("grad_norm"));
    assertFalse(s.containsKey("epoch"));
    assertFalse(s.containsKey("step"));
  }

  @Test
  void explicitJsonLinesCountAndTheirStepFollowsOnWhenMissing() {
    MetricParser p = new MetricParser();
    Map<String, JsonArray> s = p.feed("""
        TRAINYARD_METRIC {"step": 10, "loss": 0.25, "note": "text is ignored"}
        TRAINYARD_METRIC {"reward": 3}
        TRAINYARD_METRIC not json
        """);
    assertEquals(new JsonArray().add(point(10, 0.25)), s.get("loss"));
    assertEquals(new JsonArray().add(point(11, 3.0)), s.get("reward"));
    assertEquals(2, s.size());
  }

  @Test
  void aLineSplitAcrossChunksIsParsedOnceWhenItsEndArrives() {
    MetricParser p = new MetricParser();
    assertTrue(p.feed("step 5 lo").isEmpty());
    assertEquals(new JsonArray().add(point(5, 0.125)), p.feed("ss 0.125\nplain text\n").get("loss"));
  }

  @Test
  void thinningKeepsEvenlySpacedPointsAndTheLastOne() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 10_001; i++) {
      many.add(point(i, i));
    }
    JsonArray thin = MetricParser.thin(Map.of("loss", many), 5000).getJsonArray("loss");
    assertTrue(thin.size() <= 5001, "size " + thin.size());
    assertEquals(point(10_000, 10_000), thin.getJsonArray(thin.size() - 1));
    assertEquals(point(0, 0), thin.getJsonArray(0));
  }
}
