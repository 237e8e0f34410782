package io.trainyard.providers;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Standard Webhooks verification, starting from the published test vector. */
class WebhookVerifierTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TS = 1614265330;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  private final WebhookVerifier verifier = new WebhookVerifier(SECRET);

  @Test
  void thePublishedTestVectorVerifies() {
    assertTrue(verifier.verify(ID, String.valueOf(TS), SIGNATURE, BODY, TS).ok());
    assertEquals(SIGNATURE, WebhookVerifier.sign(SECRET, ID, TS, BODY));
  }

  @Test
  void oneMatchingEntryAmongSeveralIsEnough() {
    String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,abc " + SIGNATURE;
    assertTrue(verifier.verify(ID, String.valueOf(TS), header, BODY, TS).ok());
  }

  @Test
  void anyChangeToBodyIdOrTimestampBreaksTheSignature() {
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertFalse(verifier.verify(ID, String.valueOf(TS), SIGNATURE, tampered, TS).ok());
    assertFalse(verifier.verify(ID + "x", String.valueOf(TS), SIGNATURE, BODY, TS).ok());
    assertFalse(verifier.verify(ID, String.valueOf(TS + 1), SIGNATURE, BODY, TS).ok());
    assertFalse(new WebhookVerifier("whsec_" + java.util.Base64.getEncoder().encodeToString("other".getBytes()))
        .verify(ID, String.valueOf(TS), SIGNATURE, BODY, TS).ok());
  }

  @Test
  void timestampsOutsideFiveMinutesEitherWayAreRefused() {
    assertTrue(verifier.verify(ID, String.valueOf(TS), SIGNATURE, BODY, TS + 300).ok());
    assertTrue(verifier.verify(ID, String.valueOf(TS), SIGNATURE, BODY, TS - 300).ok());
    WebhookVerifier.Verdict late = verifier.verify(ID, String.valueOf(TS), SIGNATURE, BODY, TS + 301);
    assertFalse(late.ok());
    assertTrue(late.reason().contains("tolerance"), late.reason());
    assertFalse(verifier.verify(ID, String.valueOf(TS), SIGNATURE, BODY, TS - 301).ok());
  }

  @Test
  void missingOrMalformedHeadersAreRefusedWithAReason() {
    assertFalse(verifier.verify(null, String.valueOf(TS), SIGNATURE, BODY, TS).ok());
    assertFalse(verifier.verify(ID, null, SIGNATURE, BODY, TS).ok());
    assertFalse(verifier.verify(ID, String.valueOf(TS), null, BODY, TS).ok());
    assertFalse(verifier.verify(ID, "yesterday", SIGNATURE, BODY, TS).ok());
    assertFalse(verifier.verify(ID, String.valueOf(TS), "v1,not-base64!!", BODY, TS).ok());
    assertFalse(verifier.verify(ID, String.valueOf(TS), "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", BODY, TS).ok());
  }

  @Test
  void aSecretThatIsNotBase64IsRejectedUpFront() {
    assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier("whsec_***"));
    assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier(""));
  }
}
