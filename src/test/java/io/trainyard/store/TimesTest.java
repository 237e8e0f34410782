package io.trainyard.store;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TimesTest {
  @Test
  void formatsUtcWithMillisecondsFromAnyOffsetAsTheJdkPatternDoes() {
    DateTimeFormatter jdk = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
    assertEquals("2026-11-23T10:00:00.123Z", Times.iso(OffsetDateTime.parse("2026-11-23T11:00:00.123456+01:00")));
    assertEquals("0999-01-02T03:04:05.006Z", Times.iso(OffsetDateTime.of(999, 1, 2, 3, 4, 5, 6_000_000, ZoneOffset.UTC)));
    assertNull(Times.iso(null));
    assertEquals("+10000-01-01T00:00:00.000Z", Times.iso(OffsetDateTime.of(10000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
    assertEquals("-0001-01-01T00:00:00.000Z", Times.iso(OffsetDateTime.of(-1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)));
    Random r = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      OffsetDateTime t = OffsetDateTime.of(1000 + r.nextInt(9000), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24),
          r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000_000), ZoneOffset.ofHours(r.nextInt(27) - 13));
      assertEquals(jdk.format(t.withOffsetSameInstant(ZoneOffset.UTC)), Times.iso(t), t.toString());
    }
  }
}
