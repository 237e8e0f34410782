package io.trainyard.logs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metric series from a job's log, fed in order. Recognized lines:
 * <ul>
 *   <li>step lines: {@code [epoch E/N] step S[/T] name value name=value name: value ...}; with both
 *   {@code epoch E/N} and {@code step S/T} the step counts across epochs ({@code (E-1)*T + S});</li>
 *   <li>epoch lines without a step ({@code validation epoch E/N val_loss 0.12}): placed at the end of
 *   epoch E, in steps once a step line has told the steps per epoch;</li>
 *   <li>{@code TRAINYARD_METRIC {"step": 10, "loss": 0.5, ...}}: every numeric field but step (which,
 *   when missing, follows the previous one).</li>
 * </ul>
 * Text that is not a whole line yet is kept until its newline arrives, so a live follower and a
 * reader of the whole file see the same points.
 */
final class MetricParser {
  static final String EXPLICIT_PREFIX = "TRAINYARD_METRIC";
  private static final Pattern STEP = Pattern.compile("(?i)\\bstep\\s*[=:]?\\s*(\\d{1,12})(?:\\s*/\\s*(\\d{1,12}))?");
  private static final Pattern EPOCH = Pattern.compile("(?i)\\bepoch\\s*[=:]?\\s*(\\d{1,9})(?:\\s*/\\s*(\\d{1,9}))?");
  private static final Pattern PAIR = Pattern.compile(
      "\\b([A-Za-z_][A-Za-z0-9_.]{0,63})(?:\\s*[=:]\\s*|\\s+)(-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)(?![\\w./])");
  private static final List<String> NOT_METRICS = List.of("step", "epoch");
  /** A job printing more than this many distinct names is printing something else. */
  static final int MAX_SERIES = 32;

  private final StringBuilder partial = new StringBuilder();
  private long stepsPerEpoch;
  private double lastStep;

  /** Points of the complete lines in {@code text} (plus what was left from before), by series name. */
  Map<String, JsonArray> feed(String text) {
    Map<String, JsonArray> out = new LinkedHashMap<>();
    partial.append(text);
    int start = 0;
    int nl;
    while ((nl = partial.indexOf("\n", start)) >= 0) {
      line(partial.substring(start, nl), out);
      start = nl + 1;
    }
    partial.delete(0, start);
    if (partial.length() > 64 * 1024) {
      partial.setLength(0); // a "line" this long is not a metric line
    }
    return out;
  }

  /** Every point of a whole log file, read line by line (a missing file has none). Blocking. */
  static Map<String, JsonArray> all(java.nio.file.Path file) throws java.io.IOException {
    MetricParser p = new MetricParser();
    Map<String, JsonArray> out = new LinkedHashMap<>();
    if (!java.nio.file.Files.isRegularFile(file)) {
      return out;
    }
    var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE);
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.file.Files.newInputStream(file), decoder))) {
      String line;
      while ((line = in.readLine()) != null) {
        p.line(line, out);
      }
    }
    return out;
  }

  void line(String line, Map<String, JsonArray> out) {
    int explicit = line.indexOf(EXPLICIT_PREFIX);
    if (explicit >= 0) {
      explicit(line.substring(explicit + EXPLICIT_PREFIX.length()).trim(), out);
      return;
    }
    Matcher step = STEP.matcher(line);
    Matcher epoch = EPOCH.matcher(line);
    boolean hasStep = step.find();
    boolean hasEpoch = epoch.find();
    double at;
    if (hasStep) {
      long s = Long.parseLong(step.group(1));
      if (step.group(2) != null) {
        stepsPerEpoch = Long.parseLong(step.group(2));
      }
      at = hasEpoch && epoch.group(2) != null && step.group(2) != null
          ? (Long.parseLong(epoch.group(1)) - 1) * stepsPerEpoch + s : s;
    } else if (hasEpoch) {
      long e = Long.parseLong(epoch.group(1));
      at = stepsPerEpoch > 0 ? e * stepsPerEpoch : e;
    } else {
      return;
    }
    Matcher pair = PAIR.matcher(line);
    boolean any = false;
    while (pair.find()) {
      String name = pair.group(1);
      if (NOT_METRICS.contains(name.toLowerCase())) {
        continue;
      }
      any |= add(out, name, at, pair.group(2));
    }
    if (any) {
      lastStep = at;
    }
  }

  private void explicit(String json, Map<String, JsonArray> out) {
    JsonObject o;
    try {
      o = new JsonObject(json);
    } catch (RuntimeException e) {
      return;
    }
    double at = o.getValue("step") instanceof Number n ? n.doubleValue() : lastStep + 1;
    boolean any = false;
    for (String name : o.fieldNames()) {
      if (!name.equals("step") && o.getValue(name) instanceof Number n && name.matches("[A-Za-z_][A-Za-z0-9_.]{0,63}")) {
        any |= add(out, name, at, n.toString());
      }
    }
    if (any) {
      lastStep = at;
    }
  }

  private static boolean add(Map<String, JsonArray> out, String name, double at, String raw) {
    double v;
    try {
      v = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      return false;
    }
    if (!Double.isFinite(v) || (!out.containsKey(name) && out.size() >= MAX_SERIES)) {
      return false;
    }
    out.computeIfAbsent(name, k -> new JsonArray()).add(new JsonArray().add(number(at)).add(v));
    return true;
  }

  /** Whole steps as integers on the wire. */
  private static Number number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : d;
  }

  /** At most {@code max} points per series, evenly spaced, the last one always kept. */
  static JsonObject thin(Map<String, JsonArray> series, int max) {
    JsonObject out = new JsonObject();
    series.forEach((name, points) -> {
      if (points.size() <= max) {
        out.put(name, points);
        return;
      }
      int stride = (points.size() + max - 1) / max;
      JsonArray kept = new JsonArray();
      for (int i = 0; i < points.size(); i += stride) {
        kept.add(points.getValue(i));
      }
      if ((points.size() - 1) % stride != 0) {
        kept.add(points.getValue(points.size() - 1));
      }
      out.put(name, kept);
    });
    return out;
  }
}
