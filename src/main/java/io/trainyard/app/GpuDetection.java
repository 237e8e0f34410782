package io.trainyard.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPUs {@code nvidia-smi -L} lists ("GPU 0: NVIDIA A100 (UUID: GPU-...)"), by index, as
 * CUDA_VISIBLE_DEVICES takes them; none when the tool is absent or fails. Blocking, once at start.
 */
final class GpuDetection {
  private static final Logger LOG = Logger.getLogger(GpuDetection.class.getName());
  private static final Pattern LINE = Pattern.compile("^GPU (\\d+):", Pattern.MULTILINE);

  private GpuDetection() {
  }

  static List<String> nvidiaSmi() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.exitValue() == 0 ? parse(out) : List.of();
    } catch (IOException e) {
      return List.of(); // no nvidia-smi: no GPUs
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } finally {
      LOG.fine("GPU detection done");
    }
  }

  static List<String> parse(String listing) {
    List<String> ids = new ArrayList<>();
    Matcher m = LINE.matcher(listing);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }
}
