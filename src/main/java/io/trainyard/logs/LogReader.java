package io.trainyard.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the end of a log, or the bytes after an offset, without loading the whole file. Blocking. */
public final class LogReader {
  /** Most bytes one offset read returns; a follower simply asks again from next_offset. */
  static final int MAX_CHUNK = 1 << 20;

  private LogReader() {
  }

  /** The file a job's log is read from: its own log, or while that is empty the trainer's logger file. */
  public static Path effective(Path log, Path fallback) {
    try {
      if (Files.size(log) > 0) {
        return log;
      }
    } catch (IOException e) {
      // no log yet
    }
    return fallback != null && Files.isRegularFile(fallback) ? fallback : log;
  }

  /** The last {@code chars} characters; "" if there is no file. */
  public static String tail(Path file, int chars) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      // UTF-8 needs at most 4 bytes a char; read enough, then cut to whole chars.
      long want = Math.min(len, (long) chars * 4 + 4);
      byte[] buf = new byte[(int) want];
      f.seek(len - want);
      f.readFully(buf);
      int start = 0;
      while (start < buf.length && (buf[start] & 0xC0) == 0x80) {
        start++; // skip a partial character at the cut
      }
      String s = new String(buf, start, buf.length - start, StandardCharsets.UTF_8);
      if (s.length() <= chars) {
        return s;
      }
      int from = s.length() - chars;
      if (Character.isLowSurrogate(s.charAt(from))) {
        from++;
      }
      return s.substring(from);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return "";
    }
  }

  /** Bytes from {@code offset} up to the last complete UTF-8 character: {text, nextOffset}. */
  public static Chunk from(Path file, long offset) throws IOException {
    return from(file, offset, MAX_CHUNK);
  }

  /** Like {@link #from(Path, long)}, at most {@code maxBytes} bytes. */
  public static Chunk from(Path file, long offset, int maxBytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      if (offset >= len) {
        return new Chunk("", Math.min(offset, len));
      }
      int n = (int) Math.min(len - offset, maxBytes);
      byte[] buf = new byte[n];
      f.seek(offset);
      f.readFully(buf);
      int end = completeUtf8(buf, n);
      return new Chunk(new String(buf, 0, end, StandardCharsets.UTF_8), offset + end);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return new Chunk("", 0);
    }
  }

  /** The last {@code lines} lines (a trailing newline does not count as an empty last line). */
  public static String lastLines(Path file, int lines, int maxChars) throws IOException {
    String text = tail(file, maxChars);
    int end = text.endsWith("\n") ? text.length() - 1 : text.length();
    int pos = end;
    for (int found = 0; pos > 0; ) {
      if (text.charAt(pos - 1) == '\n' && ++found == lines) {
        break;
      }
      pos--;
    }
    return lines <= 0 ? "" : text.substring(pos);
  }

  /** Length of the prefix of buf[0..n) that ends on a UTF-8 character boundary. */
  static int completeUtf8(byte[] buf, int n) {
    int i = n - 1;
    int cont = 0;
    while (i >= 0 && (buf[i] & 0xC0) == 0x80 && cont < 3) {
      i--;
      cont++;
    }
    if (i < 0) {
      return n;
    }
    int lead = buf[i] & 0xFF;
    int need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    return need > cont ? i : n;
  }

  /** A piece of a log and the byte offset after it. */
  public record Chunk(String text, long nextOffset) {
  }
}
