package io.trainyard.cli;

/** A command-line value as the JSON the API expects: integers and decimals as numbers, true/false as booleans. */
final class Values {
  private Values() {
  }

  static Object typed(String v) {
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean(v);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException notLong) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException notNumber) {
        return v;
      }
    }
  }
}
