package io.loghaul.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Writes a suite's summary.json and summary.md, and names default output directories. */
final class Summary {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summary() {}

  /** {@code bench-results/<suite>-<yyyyMMdd-HHmmss>}. */
  static Path defaultOut(String suite) {
    return Path.of(
        "bench-results",
        suite + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  static void write(Path dir, Map<String, Object> json, String markdown) {
    try {
      Files.createDirectories(dir);
      JSON.writeValue(dir.resolve("summary.json").toFile(), json);
      Files.writeString(dir.resolve("summary.md"), markdown);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the summary into " + dir, e);
    }
  }
}
