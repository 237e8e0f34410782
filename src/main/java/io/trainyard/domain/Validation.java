package io.trainyard.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Collects every bad field of a request so one failure names them all. */
public final class Validation {
  private final List<DomainException.FieldError> errors = new ArrayList<>();

  public Validation add(String field, String message) {
    errors.add(new DomainException.FieldError(field, message));
    return this;
  }

  /**
   * Adds another request's errors under a prefix, so a part of a larger request is named by where it
   * sits in it ({@code jobs[3].gene_size}).
   */
  public Validation nest(String prefix, Validation part) {
    part.errors.forEach(e -> add(prefix + "." + e.field(), e.message()));
    return this;
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  /** Throws the {@link DomainException.Kind#INVALID} failure if anything was wrong. */
  public void throwIfInvalid() {
    if (errors.isEmpty()) {
      return;
    }
    String detail = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
    throw new DomainException(DomainException.Kind.INVALID, detail, errors);
  }
}
