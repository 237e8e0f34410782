package io.trainyard.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ProgressParserTest {

  private static final long T0 = 1_700_000_000_000L;

  private static String stageOf(String log) {
    return ProgressParser.parse(log).stage();
  }

  private static Double progressOf(String log) {
    return ProgressParser.parse(log).progress();
  }

  // ------------------------------------------------------------------ stage

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Preprocessing dataset shards | Preprocessing",
        "Loading tokenizer             | Preprocessing",
        "Warming up learning rate      | Warmup",
        "lr warmup 10 iterations       | Warmup",
        "Saving checkpoint to /ckpt    | Saving checkpoint",
        "Validating on holdout         | Validation",
        "validation loss 0.42          | Validation",
        "step 3 loss 1.2               | Training",
        "Epoch 2 started               | Training",
      })
  void eachStageKeywordMapsToItsStage(String line, String stage) {
    assertEquals(stage, stageOf(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"LOADING MODEL", "LoAdInG model", "PREPROCESSING", "loading"})
  void stageKeywordsAreCaseInsensitive(String line) {
    assertEquals("Preprocessing", stageOf(line));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "step 100: loading next shard                | Preprocessing",
        "epoch 2: warmup finished, saving checkpoint | Warmup",
        "validation at step 50, saving checkpoint    | Saving checkpoint",
        "epoch 3 validation                          | Validation",
        "checkpoint loading                          | Preprocessing",
      })
  void withinOneLineTheFirstRuleInOrderWins(String line, String stage) {
    assertEquals(stage, stageOf(line));
  }

  @Test
  void newestMatchingLineDecidesStage() {
    assertEquals("Validation", stageOf("loading data\nstep 5/10\nrunning validation\n"));
    assertEquals("Training", stageOf("running validation\nstep 6/10\n"));
  }

  @Test
  void linesWithoutKeywordsDoNotChangeStage() {
    assertEquals("Training", stageOf("epoch 1/3\nloss=0.12\nlr=3e-4\n"));
  }

  @Test
  void noKeywordAnywhereGivesNullStage() {
    Progress p = ProgressParser.parse("hello\nworld\n");
    assertNull(p.stage());
    assertNull(p.progress());
    assertEquals("world", p.lastLog());
  }

  // ------------------------------------------------------------------ progress

  @Test
  void stepFractionGivesPercent() {
    assertEquals(30.0, progressOf("step 1500/5000"));
  }

  @Test
  void epochFractionGivesPercent() {
    assertEquals(30.0, progressOf("epoch 3/10"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "STEP 1500/5000", "Step: 1500/5000", "global_step=1500 / 5000", "Training step\t1500/5000 loss=0.3"
      })
  void stepFractionIsCaseInsensitiveAndToleratesSeparators(String line) {
    assertEquals(30.0, progressOf(line));
  }

  @Test
  void stepWinsOverEpochInTheSameLine() {
    assertEquals(25.0, progressOf("epoch 3/10 step 250/1000"));
    assertEquals(25.0, progressOf("step 250/1000 epoch 3/10"));
  }

  @Test
  void epochIsUsedWhenStepHasNoFraction() {
    assertEquals(30.0, progressOf("step 42 loss 0.1 epoch 3/10"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource({
    "step 1/3, 33.3",
    "step 2/3, 66.7",
    "step 1/16, 6.3",
    "step 1/7, 14.3",
    "step 0/100, 0.0",
    "step 100/100, 100.0",
    "step 9999/10000, 100.0",
    "step 1/1000, 0.1",
    "step 1/3000, 0.0",
  })
  void progressIsRoundedHalfUpToOneDecimal(String line, double expected) {
    assertEquals(expected, progressOf(line));
  }

  @Test
  void newestLineWithFractionGivesProgress() {
    assertEquals(60.0, progressOf("step 10/100\nstep 60/100\nloss 0.1\n"));
  }

  @Test
  void loadingAfterStepKeepsProgressButChangesStage() {
    Progress p = ProgressParser.parse("step 10/100\nloading next shard\n");
    assertEquals(10.0, p.progress());
    assertEquals("Preprocessing", p.stage());
    assertEquals("loading next shard", p.lastLog());
  }

  // ------------------------------------------------------------------ malformed

  @ParameterizedTest
  @ValueSource(
      strings = {
        "step 5/0",
        "step 7/3",
        "step -1/10",
        "step 1/-10",
        "step +5/10",
        "step 99999999999999999999/10",
        "step 5/99999999999999999999",
        "step 99999999999999999999/99999999999999999999",
        "epoch x/10",
        "epoch 3/y",
        "step 1.5/10",
        "step 5/10.5",
        "step /10",
        "step 5/",
        "step",
        "epoch 0/0",
        "step 7/3 epoch 1/2",
      })
  void malformedFractionsGiveNoProgress(String line) {
    assertNull(progressOf(line));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "step 5/0",
        "step 7/3",
        "step -1/10",
        "step 99999999999999999999/10",
        "epoch x/10",
        "TRAINYARD_PROGRESS {\"progress\": 150}",
        "TRAINYARD_PROGRESS {\"progress\": -0.5}",
        "TRAINYARD_PROGRESS {\"progress\": \"77\"}",
        "TRAINYARD_PROGRESS {\"progress\": 77",
        "TRAINYARD_PROGRESS not json",
        "TRAINYARD_PROGRESS [77]",
        "TRAINYARD_PROGRESS {\"progress\": 1e400}",
      })
  void malformedNewestLineFallsBackToOlderProgress(String line) {
    Progress p = ProgressParser.parse("step 20/100\n" + line + "\n");
    assertEquals(20.0, p.progress());
  }

  @Test
  void malformedInputsNeverProduceValuesOutsideZeroToHundred() {
    String[] lines = {
      "step 5/0", "step 7/3", "step -1/10", "step 99999999999999999999/10", "epoch x/10",
      "TRAINYARD_PROGRESS {bad json", "TRAINYARD_PROGRESS {\"progress\": 150}",
      "step 9223372036854775807/9223372036854775807", "step 9223372036854775808/1",
      "epoch 18446744073709551617/3",
    };
    for (String line : lines) {
      Double p = progressOf(line);
      assertTrue(p == null || (p >= 0 && p <= 100), line + " -> " + p);
    }
    assertEquals(100.0, progressOf("step 9223372036854775807/9223372036854775807"));
  }

  // ------------------------------------------------------------------ explicit lines

  @Test
  void explicitLineOverridesOlderParsedValues() {
    Progress p =
        ProgressParser.parse(
            "step 10/100\nTRAINYARD_PROGRESS {\"progress\": 42.5, \"stage\": \"Exporting\"}\n");
    assertEquals(42.5, p.progress());
    assertEquals("Exporting", p.stage());
  }

  @Test
  void newerStepLineOverridesExplicitLine() {
    Progress p =
        ProgressParser.parse(
            "TRAINYARD_PROGRESS {\"progress\": 42.5, \"stage\": \"Exporting\"}\nstep 60/100\n");
    assertEquals(60.0, p.progress());
    assertEquals("Training", p.stage());
  }

  @Test
  void newestExplicitLineWins() {
    assertEquals(
        50.0,
        progressOf("TRAINYARD_PROGRESS {\"progress\": 40}\nTRAINYARD_PROGRESS {\"progress\": 50}"));
  }

  @Test
  void explicitLineWithoutStageLeavesStageToKeywordLines() {
    Progress p = ProgressParser.parse("Validating\nTRAINYARD_PROGRESS {\"progress\": 80}\n");
    assertEquals(80.0, p.progress());
    assertEquals("Validation", p.stage());
  }

  @Test
  void explicitLineWithOnlyStageKeepsOlderStepProgress() {
    Progress p = ProgressParser.parse("step 3/10\nTRAINYARD_PROGRESS {\"stage\": \"Uploading\"}\n");
    assertEquals(30.0, p.progress());
    assertEquals("Uploading", p.stage());
  }

  @Test
  void explicitLineWithInvalidProgressStillContributesValidStage() {
    Progress p =
        ProgressParser.parse(
            "step 3/10\nTRAINYARD_PROGRESS {\"progress\": 150, \"stage\": \"Uploading\"}\n");
    assertEquals(30.0, p.progress());
    assertEquals("Uploading", p.stage());
  }

  @Test
  void explicitLineWithBadJsonIsIgnoredEntirely() {
    Progress p = ProgressParser.parse("step 3/10\nTRAINYARD_PROGRESS {\"stage\": \"Uploading\"\n");
    assertEquals(30.0, p.progress());
    assertEquals("Training", p.stage());
    assertEquals("step 3/10", p.lastLog());
  }

  @Test
  void explicitProgressIsRoundedToOneDecimalAndAcceptsBounds() {
    assertEquals(33.3, progressOf("TRAINYARD_PROGRESS {\"progress\": 33.333}"));
    assertEquals(0.0, progressOf("TRAINYARD_PROGRESS {\"progress\": 0}"));
    assertEquals(100.0, progressOf("TRAINYARD_PROGRESS {\"progress\": 100}"));
    assertEquals(12.0, progressOf("  TRAINYARD_PROGRESS{\"progress\":12}  \r\n"));
  }

  @Test
  void explicitLineIsSkippedForLastLogAndKeywords() {
    Progress p =
        ProgressParser.parse("epoch 1/4\nTRAINYARD_PROGRESS {\"progress\": 90, \"note\": \"checkpoint step\"}\n");
    assertEquals("epoch 1/4", p.lastLog());
    assertEquals("Training", p.stage()); // "checkpoint" inside the JSON does not count
    assertEquals(90.0, p.progress());
  }

  @Test
  void prefixInTheMiddleOfALineIsAnOrdinaryLine() {
    Progress p = ProgressParser.parse("echo TRAINYARD_PROGRESS {\"progress\": 90}");
    assertNull(p.progress());
    assertEquals("echo TRAINYARD_PROGRESS {\"progress\": 90}", p.lastLog());
  }

  @Test
  void olderExplicitLineDoesNotOverrideNewerValuesEvenAfterEarlyStop() {
    Progress p =
        ProgressParser.parse(
            "TRAINYARD_PROGRESS {\"progress\": 99, \"stage\": \"Done\"}\nmisc\nstep 1/10\nok\n");
    assertEquals(10.0, p.progress());
    assertEquals("Training", p.stage());
    assertEquals("ok", p.lastLog());
  }

  // ------------------------------------------------------------------ last_log

  @Test
  void lastLogIsNewestNonEmptyLineSkippingBlankLines() {
    assertEquals("second", ProgressParser.parse("first\nsecond\n\n   \n\t\n").lastLog());
  }

  @Test
  void lastLogHandlesCrlfAndTrailingWhitespace() {
    assertEquals("b line", ProgressParser.parse("a\r\nb line  \t\r\n\r\n").lastLog());
  }

  @Test
  void lastLogKeepsLeadingWhitespace() {
    assertEquals("  indented", ProgressParser.parse("x\n  indented\n").lastLog());
  }

  @Test
  void bareCarriageReturnSeparatesProgressBarRedraws() {
    Progress p = ProgressParser.parse("step 1/10\rstep 2/10\rstep 3/10");
    assertEquals("step 3/10", p.lastLog());
    assertEquals(30.0, p.progress());
  }

  @Test
  void partialLastLineWithoutNewlineCounts() {
    Progress p = ProgressParser.parse("step 1/10\nstep 2/1");
    assertEquals("step 2/1", p.lastLog());
    assertEquals(10.0, p.progress()); // 2/1 is absurd -> falls back
    assertEquals("step 5/10", ProgressParser.parse("old\nstep 5/10").lastLog());
  }

  @Test
  void lastLogIsCutTo80Chars() {
    String line = "x".repeat(200);
    assertEquals("x".repeat(80), ProgressParser.parse(line + "\n").lastLog());
    assertEquals("y".repeat(80), ProgressParser.parse("y".repeat(80)).lastLog());
  }

  @Test
  void lastLogCutDoesNotSplitSurrogatePair() {
    String emoji = "\uD83D\uDE80"; // rocket, two chars
    String line = "a".repeat(79) + emoji + "tail";
    String last = ProgressParser.parse(line).lastLog();
    assertEquals("a".repeat(79), last);
    String fits = "a".repeat(78) + emoji + "tail";
    assertEquals("a".repeat(78) + emoji, ProgressParser.parse(fits).lastLog());
  }

  // ------------------------------------------------------------------ ETA

  @Test
  void etaFromRateSoFar() {
    Progress p = ProgressParser.parse("step 25/100", T0, T0 + 30_000);
    assertEquals(25.0, p.progress());
    assertEquals(90L, p.etaSeconds());
  }

  @Test
  void etaIsRoundedToWholeSeconds() {
    // 1/3 -> 33.3 %; 10 s elapsed -> 10 * 66.7 / 33.3 = 20.03 -> 20
    assertEquals(20L, ProgressParser.parse("step 1/3", T0, T0 + 10_000).etaSeconds());
    // 40 %, 1.5 s elapsed -> 2.25 -> 2 ; 1.7 s -> 2.55 -> 3
    assertEquals(2L, ProgressParser.parse("epoch 4/10", T0, T0 + 1_500).etaSeconds());
    assertEquals(3L, ProgressParser.parse("epoch 4/10", T0, T0 + 1_700).etaSeconds());
  }

  @Test
  void etaIsZeroAtHundredPercent() {
    assertEquals(0L, ProgressParser.parse("step 10/10", T0, T0 + 5_000).etaSeconds());
  }

  @Test
  void etaUsesExplicitProgress() {
    assertEquals(
        90L, ProgressParser.parse("TRAINYARD_PROGRESS {\"progress\": 25}", T0, T0 + 30_000).etaSeconds());
  }

  @Test
  void etaIsNullWithoutProgressOrAtZeroOrWithoutElapsedTime() {
    assertNull(ProgressParser.parse("loading", T0, T0 + 30_000).etaSeconds());
    assertNull(ProgressParser.parse("step 0/100", T0, T0 + 30_000).etaSeconds());
    assertNull(ProgressParser.parse("step 5/100", T0, T0).etaSeconds());
    assertNull(ProgressParser.parse("step 5/100", T0, T0 - 1_000).etaSeconds());
    assertNull(ProgressParser.parse("step 5/100").etaSeconds());
  }

  @Test
  void etaDoesNotOverflowOnAbsurdTimes() {
    Long eta = ProgressParser.parse("step 1/1000", Long.MIN_VALUE, Long.MAX_VALUE).etaSeconds();
    assertTrue(eta != null && eta > 0);
  }

  // ------------------------------------------------------------------ empty / json / perf

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"\n", "\r\n\r\n", "   \n\t\n"})
  void emptyOrNullTextGivesAllNulls(String text) {
    assertEquals(new Progress(null, null, null, null), ProgressParser.parse(text));
    assertEquals(new Progress(null, null, null, null), ProgressParser.parse(text, T0, T0 + 1000));
  }

  @Test
  void toJsonUsesSnakeCaseKeysAndKeepsNulls() {
    JsonObject json = new Progress("Training", 30.0, 90L, "step 1500/5000").toJson();
    assertEquals("Training", json.getString("stage"));
    assertEquals(30.0, json.getDouble("progress"));
    assertEquals(90L, json.getLong("eta_seconds"));
    assertEquals("step 1500/5000", json.getString("last_log"));

    JsonObject empty = Progress.EMPTY.toJson();
    assertEquals(4, empty.size());
    assertTrue(empty.containsKey("eta_seconds") && empty.getValue("eta_seconds") == null);
    assertEquals(
        new JsonObject("{\"stage\":null,\"progress\":null,\"eta_seconds\":null,\"last_log\":null}"),
        empty);
  }

  @Test
  void longPathologicalLinesAreFast() {
    String nasty =
        "step ".repeat(2_000) + "1".repeat(5_000) + "/" + " ".repeat(3_000) + "epoch 9".repeat(500);
    String many = "step 1/2 loss 0.1 epoch 1/3 lr 1e-4\n".repeat(600);
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (int i = 0; i < 200; i++) {
            ProgressParser.parse(nasty);
            ProgressParser.parse(many + nasty);
          }
        });
    assertEquals(50.0, progressOf(nasty + "\n" + many));
  }
}
