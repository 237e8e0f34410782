package io.trainyard.jobs;

import io.trainyard.domain.Validation;
import io.vertx.core.MultiMap;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The list query: filters, visibility and paging, validated from query parameters. */
public record JobFilter(List<String> statuses, String jobType, String provider, Long owner, boolean archived,
                        int limit, long offset, Cursor cursor, Search search, Sort sort) {
  private static final Map<String, String> ALIASES = Map.of("completed", "success", "cancelled", "canceled");

  /** A filter in the default order (newest first), without a search. */
  public JobFilter(List<String> statuses, String jobType, String provider, Long owner, boolean archived, int limit,
                   long offset, Cursor cursor) {
    this(statuses, jobType, provider, owner, archived, limit, offset, cursor, Search.NONE, Sort.NEWEST);
  }

  /** A filter without a cursor (offset paging). */
  public JobFilter(List<String> statuses, String jobType, String provider, Long owner, boolean archived, int limit, long offset) {
    this(statuses, jobType, provider, owner, archived, limit, offset, null);
  }

  /** Parses the query; {@code viewer} is the caller's id, or null for an admin (who may pass owner_user_id). */
  public static JobFilter parse(MultiMap q, Long viewer) {
    Validation v = new Validation();
    JobFilter f = parse(q, viewer, v);
    v.throwIfInvalid();
    return f;
  }

  /** Parses the query, recording bad fields in {@code v} (the caller throws, possibly nesting them). */
  static JobFilter parse(MultiMap q, Long viewer, Validation v) {
    List<String> statuses = statuses(q.getAll("status"), v);
    String type = blankToNull(q.get("job_type"));
    if (type != null && !JobType.isWire(type)) {
      v.add("job_type", "must be one of train, predict, sweep, cloud");
    }
    String provider = blankToNull(q.get("provider"));
    if (provider != null && !provider.matches("[a-z0-9_-]{1,32}")) {
      v.add("provider", "is not a provider name");
    }
    Long owner = viewer;
    String ownerParam = blankToNull(q.get("owner_user_id"));
    if (ownerParam != null) {
      Long parsed = parseLong(ownerParam);
      if (parsed == null) {
        v.add("owner_user_id", "must be an integer");
      } else if (viewer == null) {
        owner = parsed;
      } else if (!parsed.equals(viewer)) {
        // A non-admin asking for someone else's jobs sees nothing rather than an error that confirms the user.
        owner = -1L;
      }
    }
    boolean archived = false;
    String arch = blankToNull(q.get("archived"));
    if (arch != null) {
      if (!arch.equals("true") && !arch.equals("false")) {
        v.add("archived", "must be true or false");
      }
      archived = arch.equals("true");
    }
    Paging paging = Paging.parse(q, v);
    int limit = paging.limit();
    long offset = paging.offset();
    Cursor cursor = null;
    String rawCursor = blankToNull(q.get("cursor"));
    if (rawCursor != null) {
      cursor = Cursor.decode(rawCursor);
      if (cursor == null) {
        v.add("cursor", "is not a cursor this server issued");
      } else if (offset > 0) {
        v.add("offset", "cannot be combined with cursor");
      }
    }
    Search search = Search.parse(q.get("q"), v);
    Sort sort = Sort.parse(q.get("sort"), q.get("order"), v);
    if (cursor != null && !sort.isDefault()) {
      v.add("cursor", "pages only the default order (sort=created_at, order=desc); use offset with other orders");
    }
    return new JobFilter(statuses, type, provider, owner, archived, limit, offset, cursor, search, sort);
  }

  /** Status values, as a comma list, repeated parameters, or both; aliases folded, unknown ones recorded. */
  static List<String> statuses(List<String> raw, Validation v) {
    List<String> statuses = new ArrayList<>();
    for (String status : raw) {
      for (String s : status.split(",")) {
        if (s.isBlank()) {
          continue;
        }
        String norm = ALIASES.getOrDefault(s.trim().toLowerCase(), s.trim().toLowerCase());
        if (!JobStatus.isWire(norm)) {
          v.add("status", "unknown status '" + s.trim() + "'");
        } else if (!statuses.contains(norm)) {
          statuses.add(norm);
        }
      }
    }
    return statuses;
  }

  /** Whether the total can come from the trigger-kept counts (a search needs counting rows). */
  boolean countable() {
    return search.isEmpty();
  }

  /** The ORDER BY of a page. */
  String orderBy() {
    return sort.orderBy();
  }

  /** limit (1..1000, default 100) and offset (>= 0) of any list route; bad values are recorded in {@code v}. */
  public record Paging(int limit, long offset) {
    public static Paging parse(MultiMap q, Validation v) {
      long limit = intParam(q, "limit", 100, v);
      if (limit < 1 || limit > 1000) {
        v.add("limit", "must be an integer from 1 to 1000");
      }
      long offset = intParam(q, "offset", 0, v);
      if (offset < 0) {
        v.add("offset", "must be an integer >= 0");
      }
      return new Paging((int) limit, offset);
    }
  }

  /** Position after the last item of a page: (created_at, job_id) of that item, opaque to clients. */
  public record Cursor(java.time.OffsetDateTime createdAt, String jobId) {
    public String encode() {
      String raw = createdAt.toInstant().toString() + "|" + jobId;
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static Cursor decode(String s) {
      try {
        String raw = new String(java.util.Base64.getUrlDecoder().decode(s), java.nio.charset.StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        String id = raw.substring(bar + 1);
        if (bar < 0 || !Ids.plausible(id)) {
          return null;
        }
        return new Cursor(java.time.Instant.parse(raw.substring(0, bar)).atOffset(java.time.ZoneOffset.UTC), id);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** The same filter over the trigger-kept job_counts table: a total without scanning jobs. */
  String countWhere(Tuple args) {
    return " WHERE archived = " + archived + conditions(args, "");
  }

  /** The WHERE clause over alias {@code j}, appending its arguments. */
  String where(Tuple args) {
    StringBuilder sb = new StringBuilder(" WHERE ");
    sb.append(archived ? "j.archived_at IS NOT NULL" : "j.archived_at IS NULL").append(conditions(args, "j."));
    if (cursor != null) {
      args.addOffsetDateTime(cursor.createdAt());
      args.addString(cursor.jobId());
      sb.append(" AND (j.created_at, j.job_id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(")");
    }
    return sb.toString();
  }

  /** Owner, status, type and provider conditions on columns named with {@code col} in front. */
  private String conditions(Tuple args, String col) {
    StringBuilder sb = new StringBuilder();
    if (owner != null) {
      args.addLong(owner);
      sb.append(" AND ").append(col).append("owner_user_id = $").append(args.size());
    }
    if (!statuses.isEmpty()) {
      args.addArrayOfString(statuses.toArray(new String[0]));
      sb.append(" AND ").append(col).append("status = ANY($").append(args.size()).append(")");
    }
    if (jobType != null) {
      args.addString(jobType);
      sb.append(" AND ").append(col).append("job_type = $").append(args.size());
    }
    if (provider != null) {
      args.addString(provider);
      sb.append(" AND ").append(col).append("provider = $").append(args.size());
    }
    if (!col.isEmpty()) {
      // Searches have no counts column, so they never reach countWhere (see countable()).
      sb.append(search.where(args));
    }
    return sb.toString();
  }

  /** An integer query parameter; a non-integer is recorded as a bad field and the default returned. */
  static long intParam(MultiMap q, String name, long dflt, Validation v) {
    String raw = blankToNull(q.get(name));
    if (raw == null) {
      return dflt;
    }
    Long parsed = parseLong(raw);
    if (parsed == null) {
      v.add(name, "must be an integer");
      return dflt;
    }
    return parsed;
  }

  private static Long parseLong(String s) {
    if (!s.matches("-?\\d{1,18}")) {
      return null;
    }
    return Long.parseLong(s);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
