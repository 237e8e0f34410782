package io.trainyard.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearModelTest {

  @TempDir
  Path dir;

  // y0 = 1 + 2 * (x0 - 10) / 5 - x1;  y1 = -1 + 0.5 * x1
  private final LinearModel model = new LinearModel(
      new double[] {10, 0},
      new double[] {5, 1},
      new double[][] {{2, 0}, {-1, 0.5}},
      new double[] {1, -1});

  @Test
  void predictStandardizesFeaturesBeforeTheLinearMap() {
    assertArrayEquals(new double[] {1 + 2 * 2 - 3, -1 + 1.5}, model.predict(new double[] {20, 3}), 1e-12);
  }

  @Test
  void jsonRoundTripPreservesShapeAndPredictions() {
    LinearModel copy = LinearModel.fromJson(new JsonObject(model.toJson().encode()));

    assertEquals(2, copy.geneSize());
    assertEquals(2, copy.outputDim());
    assertArrayEquals(model.predict(new double[] {7, -2}), copy.predict(new double[] {7, -2}), 1e-12);
  }

  @Test
  void saveThenLoadGivesTheSameModel() throws IOException {
    Path file = dir.resolve("model.json");
    model.save(file);

    LinearModel loaded = LinearModel.load(file);

    assertArrayEquals(model.predict(new double[] {1, 2}), loaded.predict(new double[] {1, 2}), 1e-12);
  }

  @Test
  void loadRejectsWeightsWhoseShapeDisagreesWithOutputDim() throws IOException {
    JsonObject json = model.toJson().put("weights", new JsonArray().add(new JsonArray().add(1)).add(new JsonArray().add(2)));
    Path file = dir.resolve("bad.json");
    Files.writeString(file, json.encode());

    assertThrows(IOException.class, () -> LinearModel.load(file));
  }

  @Test
  void loadRejectsFilesThatAreNotJson() throws IOException {
    Path file = dir.resolve("model.json");
    Files.writeString(file, "g0,g1\n");

    assertThrows(IOException.class, () -> LinearModel.load(file));
  }

  @Test
  void predictRejectsWrongFeatureCount() {
    assertThrows(IllegalArgumentException.class, () -> model.predict(new double[] {1, 2, 3}));
  }
}
