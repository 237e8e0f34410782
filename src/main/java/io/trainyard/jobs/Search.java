package io.trainyard.jobs;

import io.trainyard.domain.Validation;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The list's {@code q}: whitespace-separated terms that must all match. A {@code name=value} term
 * matches a parameter exactly (numbers by value, so {@code lr=1e-3} finds {@code 0.001}); any other
 * term is a case-insensitive substring of the job id, a parameter value or the error text. Both are
 * indexed (migration V009): parameters by a jsonb GIN index, text by trigrams.
 */
public record Search(List<String> terms) {
  public static final Search NONE = new Search(List.of());
  static final int MAX_CHARS = 200;
  static final int MAX_TERMS = 8;
  private static final Pattern PARAM = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,63})=(.+)");

  static Search parse(String raw, Validation v) {
    if (raw == null || raw.isBlank()) {
      return NONE;
    }
    if (raw.length() > MAX_CHARS) {
      v.add("q", "must be at most " + MAX_CHARS + " characters");
      return NONE;
    }
    List<String> terms = List.of(raw.trim().split("\\s+"));
    if (terms.size() > MAX_TERMS) {
      v.add("q", "must have at most " + MAX_TERMS + " terms");
      return NONE;
    }
    return new Search(terms);
  }

  public boolean isEmpty() {
    return terms.isEmpty();
  }

  /** The conditions over alias {@code j}, appending their arguments. */
  String where(Tuple args) {
    StringBuilder sb = new StringBuilder();
    for (String term : terms) {
      Matcher m = PARAM.matcher(term);
      if (m.matches()) {
        args.addValue(new JsonObject().put(m.group(1), value(m.group(2))));
        sb.append(" AND j.params @> $").append(args.size()).append("::jsonb");
      } else {
        args.addString("%" + escapeLike(term.toLowerCase()) + "%");
        sb.append(" AND j.search_text LIKE $").append(args.size());
      }
    }
    return sb.toString();
  }

  /** A term's value as JSON: a number, a boolean, or else the text itself. */
  static Object value(String raw) {
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.parseBoolean(raw);
    }
    if (raw.matches("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d{1,3})?")) {
      return new BigDecimal(raw);
    }
    return raw;
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
