package io.trainyard.providers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Standard Webhooks signatures (what Replicate sends): {@code webhook-signature} holds space-separated
 * {@code v1,<base64>} entries, each a base64 HMAC-SHA256 over {@code "{webhook-id}.{webhook-timestamp}.{raw body}"}
 * keyed with the base64-decoded part of the {@code whsec_...} secret after the prefix. The timestamp
 * (unix seconds) must be within {@link #TOLERANCE_SECONDS} of now either way, so an old delivery cannot
 * be replayed once its id has been forgotten.
 */
public final class WebhookVerifier {
  public static final long TOLERANCE_SECONDS = 300;
  private static final String PREFIX = "whsec_";
  private final byte[] key;

  /** @throws IllegalArgumentException if the secret is not {@code whsec_<base64>} (or bare base64) */
  public WebhookVerifier(String secret) {
    this.key = decode(secret);
  }

  /** The outcome; {@code reason} says what was wrong (for the 401 detail and the log), null when ok. */
  public record Verdict(boolean ok, String reason) {
    static final Verdict OK = new Verdict(true, null);

    static Verdict no(String reason) {
      return new Verdict(false, reason);
    }
  }

  public Verdict verify(String id, String timestamp, String signatureHeader, byte[] body, long nowSeconds) {
    if (id == null || id.isBlank() || timestamp == null || signatureHeader == null || signatureHeader.isBlank()) {
      return Verdict.no("missing webhook-id, webhook-timestamp or webhook-signature header");
    }
    if (!timestamp.trim().matches("\\d{1,12}")) {
      return Verdict.no("webhook-timestamp is not unix seconds");
    }
    long ts = Long.parseLong(timestamp.trim());
    if (Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS) {
      return Verdict.no("webhook-timestamp is outside the 5 minute tolerance");
    }
    byte[] expected = mac(key, id, ts, body);
    boolean match = false;
    for (String entry : signatureHeader.trim().split(" +")) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
        continue; // other schemes (e.g. v1a asymmetric) are not ours to check
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(entry.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      // Constant-time comparison; keep going so timing says nothing about which entry matched.
      match |= MessageDigest.isEqual(expected, given);
    }
    return match ? Verdict.OK : Verdict.no("no signature matches");
  }

  /** The header value {@code v1,<base64>} for a delivery (used by the fake provider and tests). */
  public static String sign(String secret, String id, long timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(decode(secret), id, timestamp, body));
  }

  private static byte[] mac(byte[] key, String id, long ts, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] decode(String secret) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("webhook secret is empty");
    }
    String s = secret.trim();
    byte[] key = Base64.getDecoder().decode(s.startsWith(PREFIX) ? s.substring(PREFIX.length()) : s);
    if (key.length == 0) {
      throw new IllegalArgumentException("webhook secret is empty");
    }
    return key;
  }
}
