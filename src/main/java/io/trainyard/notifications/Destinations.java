package io.trainyard.notifications;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a notification may go. Only http(s) URLs with a host; and unless private destinations are
 * allowed, none that resolves to loopback, private, link-local (cloud metadata), carrier-grade NAT,
 * unique-local or unspecified addresses, so a user cannot make the server probe its own network.
 * Checked when an endpoint is registered and again before every delivery (DNS can change).
 */
final class Destinations {
  static final int MAX_URL = 2048;
  private final boolean allowPrivate;

  Destinations(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** What is wrong with the URL's form, or empty when it is a usable http(s) URL. */
  static Optional<String> formProblem(String url) {
    if (url.length() > MAX_URL) {
      return Optional.of("must be at most " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      return Optional.of("must be an absolute http or https URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      return Optional.of("must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("must not carry a user name or password");
    }
    if (uri.getRawFragment() != null) {
      return Optional.of("must not have a fragment");
    }
    return Optional.empty();
  }

  /**
   * Where a delivery connects: refused with a reason, or the checked address to connect to (null:
   * let the client resolve, when private destinations are allowed). Connecting to the very address
   * that was checked means a name that resolves differently a moment later (DNS rebinding) cannot
   * steer the request to a private address. Blocking (DNS).
   */
  record Decision(String refusal, InetAddress address) {
  }

  Decision decide(String url) {
    if (allowPrivate) {
      return new Decision(null, null);
    }
    // One lookup, checked and then used: a second lookup could answer differently from the first.
    String host = URI.create(url).getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return new Decision("host " + host + " does not resolve", null);
    }
    for (InetAddress a : addresses) {
      if (!isPublic(a)) {
        return new Decision("resolves to a private or local address (" + a.getHostAddress()
            + "); set notifications.allow_private to allow that", null);
      }
    }
    return new Decision(null, addresses[0]);
  }

  /** Blocking (DNS): why the URL's host may not be called, or empty when it may. */
  Optional<String> refusal(String url) {
    return Optional.ofNullable(decide(url).refusal());
  }

  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;               // fc00::/7
      boolean mappedV4 = isMappedV4(b);
      if (uniqueLocal) {
        return false;
      }
      if (mappedV4) {
        try {
          return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return false;
        }
      }
      return true;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    return !(first == 0                                          // 0.0.0.0/8
        || (first == 100 && second >= 64 && second <= 127)       // 100.64.0.0/10 carrier-grade NAT
        || (first == 192 && second == 0 && (b[2] & 0xff) == 0)   // 192.0.0.0/24 protocol assignments
        || (first == 198 && (second == 18 || second == 19))      // 198.18.0.0/15 benchmarking
        || first >= 240);                                        // reserved and broadcast
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
