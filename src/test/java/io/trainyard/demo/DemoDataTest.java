package io.trainyard.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataTest {

  @TempDir
  Path dir;

  @Test
  void describeReportsGeneSizeOutputDimAndRowsOfTheDemoDataset() throws IOException {
    Path csv = DemoJobs.demoCsv(dir);

    assertEquals(new DemoData.Info(64, 4, 512), DemoData.describe(csv));
  }

  @Test
  void demoDatasetIsByteIdenticalAcrossWrites() throws IOException {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    DemoData.writeDemo(a);
    DemoData.writeDemo(b);

    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void demoDatasetHeaderNamesFeaturesThenTargets() throws IOException {
    Path csv = DemoJobs.demoCsv(dir);
    String header = Files.readAllLines(csv).get(0);

    assertTrue(header.startsWith("g0,g1,"), header);
    assertTrue(header.endsWith(",g63,y0,y1,y2,y3"), header);
  }

  @Test
  void writeDemoLeavesNoTempFilesBehind() throws IOException {
    DemoJobs.demoCsv(dir);

    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void loadReturnsOneFeatureAndTargetRowPerDataRow() throws IOException {
    DemoData.Dataset data = DemoData.load(DemoJobs.demoCsv(dir));

    assertEquals(512, data.rows());
    assertEquals(64, data.features()[0].length);
    assertEquals(4, data.targets()[511].length);
    assertTrue(data.hasTargets());
  }

  @Test
  void loadAcceptsPredictionInputsWithoutTargetColumns() throws IOException {
    Path csv = dir.resolve("x.csv");
    Files.writeString(csv, "g0,g1\n1.5,2\n\n-3,4e-1\n");

    DemoData.Dataset data = DemoData.load(csv);

    assertEquals(new DemoData.Info(2, 0, 2), DemoData.describe(csv));
    assertFalse(data.hasTargets());
    assertArrayEquals(new double[] {-3, 0.4}, data.features()[1]);
    assertEquals(0, data.targets()[0].length);
  }

  @Test
  void describeRejectsHeaderWithUnexpectedColumnName() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "g0,g1,label\n1,2,3\n");

    IOException e = assertThrows(IOException.class, () -> DemoData.describe(csv));

    assertTrue(e.getMessage().contains("'label'"), e.getMessage());
  }

  @Test
  void describeRejectsFeaturesAfterTargets() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "g0,y0,g1\n1,2,3\n");

    assertThrows(IOException.class, () -> DemoData.describe(csv));
  }

  @Test
  void describeRejectsEmptyFile() throws IOException {
    Path csv = dir.resolve("empty.csv");
    Files.writeString(csv, "");

    IOException e = assertThrows(IOException.class, () -> DemoData.describe(csv));

    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void describeRejectsRowWithWrongColumnCountNamingTheLine() throws IOException {
    Path csv = dir.resolve("short.csv");
    Files.writeString(csv, "g0,g1,y0\n1,2,3\n1,2\n");

    IOException e = assertThrows(IOException.class, () -> DemoData.describe(csv));

    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void loadRejectsNonNumericCell() throws IOException {
    Path csv = dir.resolve("text.csv");
    Files.writeString(csv, "g0,y0\n1,abc\n");

    IOException e = assertThrows(IOException.class, () -> DemoData.load(csv));

    assertTrue(e.getMessage().contains("abc"), e.getMessage());
  }
}
