package io.trainyard.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The demo dataset format: a CSV whose header is {@code g0..g<n-1>} (features) followed by
 * {@code y0..y<m-1>} (targets, possibly none for prediction inputs), one numeric row per sample.
 */
public final class DemoData {

  public static final int DEMO_ROWS = 512;
  public static final int DEMO_GENE_SIZE = 64;
  public static final int DEMO_OUTPUT_DIM = 4;

  // Fixed so that every install generates byte-identical demo data and reproducible runs.
  private static final long DEMO_SEED = 20240611L;
  private static final double DEMO_NOISE = 0.05;

  /** Shape of a dataset as declared by its header, plus the number of data rows. */
  public record Info(int geneSize, int outputDim, int rows) {
  }

  /** A fully parsed dataset; {@code targets} has {@code outputDim} columns (0 when absent). */
  public record Dataset(int geneSize, int outputDim, double[][] features, double[][] targets) {

    public int rows() {
      return features.length;
    }

    public boolean hasTargets() {
      return outputDim > 0;
    }
  }

  private DemoData() {
  }

  /**
   * Writes the synthetic demo dataset. Features get per-column offsets and scales (so the
   * trainer's standardization matters); targets are a fixed random linear map of the
   * standardized features plus small noise, so a linear model can reach R^2 close to 1.
   */
  public static void writeDemo(Path csv) throws IOException {
    Random rnd = new Random(DEMO_SEED);
    int g = DEMO_GENE_SIZE;
    int o = DEMO_OUTPUT_DIM;
    double[] offset = new double[g];
    double[] scale = new double[g];
    for (int j = 0; j < g; j++) {
      offset[j] = rnd.nextDouble() * 10 - 5;
      scale[j] = 0.5 + rnd.nextDouble() * 2.5;
    }
    // Weights ~ N(0, 1/g) keep each target at roughly unit variance.
    double[][] map = new double[g][o];
    for (int j = 0; j < g; j++) {
      for (int k = 0; k < o; k++) {
        map[j][k] = rnd.nextGaussian() / Math.sqrt(g);
      }
    }
    double[] intercept = new double[o];
    for (int k = 0; k < o; k++) {
      intercept[k] = rnd.nextDouble() * 4 - 2;
    }

    StringBuilder sb = new StringBuilder(DEMO_ROWS * (g + o) * 10);
    sb.append(header(g, o)).append('\n');
    double[] z = new double[g];
    for (int r = 0; r < DEMO_ROWS; r++) {
      for (int j = 0; j < g; j++) {
        z[j] = rnd.nextGaussian();
        sb.append(fmt(offset[j] + scale[j] * z[j])).append(',');
      }
      for (int k = 0; k < o; k++) {
        double y = intercept[k] + DEMO_NOISE * rnd.nextGaussian();
        for (int j = 0; j < g; j++) {
          y += map[j][k] * z[j];
        }
        sb.append(fmt(y)).append(k + 1 < o ? ',' : '\n');
      }
    }
    AtomicFiles.writeString(csv, sb.toString());
  }

  /** Reads the header and counts rows without parsing numbers; cheap enough for validation. */
  public static Info describe(Path csv) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      int[] shape = parseHeader(csv, in.readLine());
      int columns = shape[0] + shape[1];
      int rows = 0;
      int lineNo = 1;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        int found = countColumns(line);
        if (found != columns) {
          throw new IOException(csv + " line " + lineNo + ": has " + found
              + " columns but the header declares " + columns);
        }
        rows++;
      }
      return new Info(shape[0], shape[1], rows);
    }
  }

  public static Dataset load(Path csv) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      int[] shape = parseHeader(csv, in.readLine());
      int g = shape[0];
      int o = shape[1];
      List<double[]> features = new ArrayList<>();
      List<double[]> targets = new ArrayList<>();
      int lineNo = 1;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (cells.length != g + o) {
          throw new IOException(csv + " line " + lineNo + ": has " + cells.length
              + " columns but the header declares " + (g + o));
        }
        double[] x = new double[g];
        double[] y = new double[o];
        for (int c = 0; c < cells.length; c++) {
          double v = parseCell(csv, lineNo, c, cells[c]);
          if (c < g) {
            x[c] = v;
          } else {
            y[c - g] = v;
          }
        }
        features.add(x);
        targets.add(y);
      }
      return new Dataset(g, o, features.toArray(new double[0][]), targets.toArray(new double[0][]));
    }
  }

  static String header(int geneSize, int outputDim) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < geneSize; j++) {
      sb.append(j == 0 ? "" : ",").append('g').append(j);
    }
    for (int k = 0; k < outputDim; k++) {
      sb.append(',').append('y').append(k);
    }
    return sb.toString();
  }

  /** Returns {geneSize, outputDim}; names must be exactly g0,g1,... then y0,y1,... in order. */
  private static int[] parseHeader(Path csv, String header) throws IOException {
    if (header == null || header.isBlank()) {
      throw new IOException(csv + ": empty file, expected a header g0,...,g<n>,y0,...,y<m>");
    }
    String[] names = header.strip().split(",", -1);
    int g = 0;
    while (g < names.length && names[g].strip().equals("g" + g)) {
      g++;
    }
    int o = 0;
    while (g + o < names.length && names[g + o].strip().equals("y" + o)) {
      o++;
    }
    if (g + o != names.length) {
      int bad = g + o;
      String expected = o == 0 ? "'g" + g + "' or 'y0'" : "'y" + o + "'";
      throw new IOException(csv + ": malformed header, column " + (bad + 1) + " is '"
          + names[bad].strip() + "' but expected " + expected);
    }
    if (g == 0) {
      throw new IOException(csv + ": malformed header, no feature columns (g0,...)");
    }
    return new int[] {g, o};
  }

  private static int countColumns(String line) {
    int n = 1;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == ',') {
        n++;
      }
    }
    return n;
  }

  private static double parseCell(Path csv, int lineNo, int column, String cell) throws IOException {
    try {
      double v = Double.parseDouble(cell.strip());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the common message
    }
    throw new IOException(csv + " line " + lineNo + " column " + (column + 1)
        + ": not a finite number: '" + cell + "'");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }
}
