package io.trainyard.cli;

import java.util.regex.Pattern;

/**
 * A command-line value as the JSON the API expects: JSON numbers as numbers, true/false as booleans,
 * anything else as text; a value in double quotes ({@code seed='"42"'}) stays text.
 */
final class Values {
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private Values() {
  }

  static Object typed(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1);
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean(v);
    }
    if (INTEGER.matcher(v).matches()) {
      return Long.parseLong(v);
    }
    if (DECIMAL.matcher(v).matches()) {
      return Double.parseDouble(v);
    }
    return v;
  }
}
