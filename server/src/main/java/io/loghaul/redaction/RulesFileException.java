package io.loghaul.redaction;

import java.nio.file.Path;

/**
 * A rules file that cannot be used: unreadable, not YAML, or a rule that breaks the format of
 * docs/redaction.md. The message names the file, the line (when known) and the problem, and never
 * echoes more than a short value from the file.
 */
public final class RulesFileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;

  RulesFileException(Path file, int line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.line = line;
  }

  RulesFileException(Path file, int line, String problem, Throwable cause) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
    this.line = line;
  }

  /** The 1-based line of the problem, or 0 when it concerns the whole file. */
  public int line() {
    return line;
  }
}
