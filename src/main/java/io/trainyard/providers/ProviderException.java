package io.trainyard.providers;

import io.trainyard.domain.DomainException;

/**
 * A provider call that did not give us the object we asked for. {@link #status()} is the provider's
 * HTTP status, or {@link #UNREACHABLE} / {@link #NOT_CONFIGURED} when there was no answer to read.
 * The message is the provider's own {@code detail} where it sent one.
 */
public final class ProviderException extends RuntimeException {
  /** No HTTP answer: connection refused, timeout, TLS failure, unreadable body. */
  public static final int UNREACHABLE = -1;
  /** No API token configured, so nothing was sent. */
  public static final int NOT_CONFIGURED = -2;

  private final String provider;
  private final int status;
  private final Long retryAfterSeconds;

  public ProviderException(String provider, int status, String detail, Long retryAfterSeconds) {
    super(detail, null, false, false);
    this.provider = provider;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String provider() {
    return provider;
  }

  public int status() {
    return status;
  }

  /** The provider's Retry-After in seconds, if it sent one. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public boolean rateLimited() {
    return status == 429;
  }

  /** The provider says it does not have this job (the job, not the provider, is the problem). */
  public boolean notFound() {
    return status == 404;
  }

  /**
   * Whether the provider as a whole is in trouble (rate limit, outage, bad credentials, unreachable),
   * as opposed to one job: a poll cycle stops and backs off on these.
   */
  public boolean providerWide() {
    return status < 0 || status == 401 || status == 403 || status == 429 || status >= 500;
  }

  /** The contract's mapping: 429 stays 429, no answer or no token is 503, anything else the provider said is 502. */
  public DomainException toDomain() {
    String label = Providers.label(provider);
    if (status == 429) {
      return new DomainException(DomainException.Kind.RATE_LIMITED, label + " rate limit: " + getMessage());
    }
    if (status == UNREACHABLE) {
      return new DomainException(DomainException.Kind.UNAVAILABLE, label + " is unreachable: " + getMessage());
    }
    if (status == NOT_CONFIGURED) {
      return new DomainException(DomainException.Kind.UNAVAILABLE, getMessage());
    }
    return new DomainException(DomainException.Kind.UPSTREAM, label + " error (" + status + "): " + getMessage());
  }
}
