package io.trainyard.jobs;

import io.trainyard.domain.Validation;

import java.util.Map;

/**
 * The list's order: {@code sort} (created_at, started_at, finished_at, status, priority) and
 * {@code order} (asc, desc; default desc). Each key has an index (migration V009) whose order, read
 * forwards or backwards, is exactly this ORDER BY, so a sorted first page reads only its own rows.
 * Jobs that have not started (or finished) come last in descending order and first in ascending.
 * Status sorts in lifecycle order (pending, queued, running, success, failed, canceled).
 */
public record Sort(String key, boolean ascending) {
  public static final Sort NEWEST = new Sort("created_at", false);
  private static final Map<String, String> COLUMNS = Map.of(
      "created_at", "j.created_at",
      "started_at", "j.started_at",
      "finished_at", "j.finished_at",
      "status", "job_status_rank(j.status)",
      "priority", "j.priority");

  static Sort parse(String sort, String order, Validation v) {
    String key = sort == null || sort.isBlank() ? "created_at" : sort.trim();
    if (!COLUMNS.containsKey(key)) {
      v.add("sort", "must be one of created_at, started_at, finished_at, status, priority");
      key = "created_at";
    }
    String dir = order == null || order.isBlank() ? "desc" : order.trim().toLowerCase();
    if (!dir.equals("asc") && !dir.equals("desc")) {
      v.add("order", "must be asc or desc");
    }
    return new Sort(key, dir.equals("asc"));
  }

  public boolean isDefault() {
    return equals(NEWEST);
  }

  String orderBy() {
    String col = COLUMNS.get(key);
    boolean nullable = key.equals("started_at") || key.equals("finished_at");
    String dir = ascending ? " ASC" : " DESC";
    String nulls = nullable ? (ascending ? " NULLS FIRST" : " NULLS LAST") : "";
    // created_at ties are rare; the other keys tie often and are broken by job id, as their indexes are.
    return " ORDER BY " + col + dir + nulls + ", j.job_id" + dir;
  }
}
