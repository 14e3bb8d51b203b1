package io.loghaul.redaction;

import static java.util.Objects.requireNonNull;

import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current rules of {@code redaction.rules-file}: loaded at startup (a bad file is an error
 * naming file, line and problem), then re-read when the file's modification time or size changes. A
 * good new file swaps in whole and atomically ({@link Redactor}s pick it up at their next record);
 * a bad one keeps the old rules, is logged with its file, line and problem, and counted.
 *
 * <p>Thread-safe. {@link #startWatching} polls on one daemon thread; {@link #reloadIfChanged} may
 * also be called directly. The HMAC key is read once, at startup.
 */
public final class RedactionRules implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedactionRules.class);
  public static final long DEFAULT_POLL_MILLIS = 1000;

  /** One loaded rule set with its counters, index for index. */
  record Loaded(RuleSet rules, Runnable[] counters) {}

  private final Path file;
  private final byte[] hashKey;
  private volatile RedactionObserver observer;
  private volatile Loaded loaded;
  private Object lastStamp;
  private ScheduledExecutorService watcher;
  private final Object deadLetterLock = new Object();
  private Redactor deadLetterRedactor;

  private RedactionRules(
      Path file, byte[] hashKey, RedactionObserver observer, RuleSet initial, Object stamp) {
    this.file = file;
    this.hashKey = hashKey;
    this.observer = observer;
    this.lastStamp = stamp;
    this.loaded = load(initial);
  }

  /**
   * Reads {@code file} (and the HMAC key from {@code hashKeyFile}, or none when null).
   *
   * @throws RulesFileException naming the file, line and problem
   */
  public static RedactionRules load(Path file, Path hashKeyFile, RedactionObserver observer)
      throws RulesFileException {
    requireNonNull(file, "file");
    requireNonNull(observer, "observer");
    byte[] key = hashKeyFile == null ? null : readKey(hashKeyFile);
    Object stamp = stamp(file);
    RuleSet rules = RulesFileParser.parse(file, key);
    return new RedactionRules(file, key, observer, rules, stamp);
  }

  private static byte[] readKey(Path hashKeyFile) throws RulesFileException {
    byte[] key;
    try {
      key = Files.readAllBytes(hashKeyFile);
    } catch (IOException e) {
      throw new RulesFileException(
          hashKeyFile,
          0,
          "redaction.hash-key-file: cannot read the file (" + e.getClass().getSimpleName() + ")",
          e);
    }
    int end = key.length;
    while (end > 0 && (key[end - 1] == '\n' || key[end - 1] == '\r')) {
      end--;
    }
    if (end < 16) {
      throw new RulesFileException(
          hashKeyFile, 0, "redaction.hash-key-file: the key has fewer than 16 bytes");
    }
    return Arrays.copyOf(key, end);
  }

  private Loaded load(RuleSet rules) {
    List<Rule> list = rules.rules();
    Runnable[] counters = new Runnable[list.size()];
    for (int i = 0; i < counters.length; i++) {
      counters[i] = observer.redactedCounter(list.get(i).name());
    }
    observer.rulesInUse(list.stream().map(Rule::name).collect(Collectors.toUnmodifiableSet()));
    return new Loaded(rules, counters);
  }

  /**
   * Reports to {@code observer} from now on (the metrics exist only after the rules were checked).
   */
  public synchronized void attach(RedactionObserver observer) {
    this.observer = requireNonNull(observer, "observer");
    loaded = load(loaded.rules());
  }

  Loaded loaded() {
    return loaded;
  }

  /** Rule names of the current rules, in order (for logs and tests). */
  public List<String> ruleNames() {
    return loaded.rules().rules().stream().map(Rule::name).toList();
  }

  public Path file() {
    return file;
  }

  /**
   * Re-reads the file when its modification time or size changed since the last look. Returns true
   * when new rules were swapped in.
   */
  public synchronized boolean reloadIfChanged() {
    Object stamp;
    try {
      stamp = stamp(file);
    } catch (RulesFileException e) {
      return fail(e, null);
    }
    if (stamp.equals(lastStamp)) {
      return false;
    }
    lastStamp = stamp;
    try {
      RuleSet rules = RulesFileParser.parse(file, hashKey);
      loaded = load(rules);
      log.info("Redaction rules reloaded from {}: {} rule(s)", file, rules.rules().size());
      return true;
    } catch (RulesFileException e) {
      return fail(e, stamp);
    }
  }

  private boolean fail(RulesFileException e, Object stamp) {
    if (stamp == null && lastStamp == MISSING) {
      return false; // still missing: said so already
    }
    if (stamp == null) {
      lastStamp = MISSING;
    }
    observer.reloadFailed();
    log.warn(
        "Redaction rules not reloaded, keeping the previous {} rule(s): {}",
        loaded.rules().rules().size(),
        e.getMessage());
    return false;
  }

  private static final Object MISSING = new Object();

  private static Object stamp(Path file) throws RulesFileException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(
          a.lastModifiedTime().toMillis(), a.size(), a.fileKey() == null ? "" : a.fileKey());
    } catch (NoSuchFileException e) {
      throw new RulesFileException(file, 0, "no such file");
    } catch (IOException e) {
      throw new RulesFileException(
          file, 0, "cannot read the file (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** Polls the file every {@code periodMillis} on a daemon thread until {@link #close()}. */
  public synchronized void startWatching(long periodMillis) {
    if (watcher != null) {
      throw new IllegalStateException("already watching");
    }
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "redaction-rules-watcher");
              t.setDaemon(true);
              return t;
            });
    watcher.scheduleWithFixedDelay(
        () -> {
          try {
            reloadIfChanged();
          } catch (RuntimeException e) {
            log.warn("Redaction rules check failed", e);
          }
        },
        periodMillis,
        periodMillis,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The pattern and preset rules applied to a dead letter's raw value ({@code
   * redaction.dead-letters=true}); returns {@code value} itself when nothing matched. Thread-safe.
   */
  public byte[] redactDeadLetter(byte[] value) {
    synchronized (deadLetterLock) {
      if (deadLetterRedactor == null) {
        deadLetterRedactor = new Redactor(this, SchemaLimits.defaults());
      }
      return deadLetterRedactor.redactRaw(value);
    }
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }
}
