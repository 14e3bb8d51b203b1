package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantTokensTest {
  private static final String A = "token-of-tenant-a-0001";
  private static final String B = "token-of-tenant-b-0002";

  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong();

  private Path file(String content) throws Exception {
    return Files.writeString(dir.resolve("tokens"), content);
  }

  @Test
  void findsTheTenantOfABearerToken() throws Exception {
    TenantTokens tokens =
        new TenantTokens(
            file(
                "# comment\n\n a "
                    + A
                    + "  # trailing\nb\t"
                    + B
                    + "\na token-of-tenant-a-second\n"),
            nanos::get);

    assertThat(tokens.tenant("Bearer " + A)).isEqualTo("a");
    assertThat(tokens.tenant("bearer  " + B + " ")).isEqualTo("b");
    assertThat(tokens.tenant("Bearer token-of-tenant-a-second")).isEqualTo("a");
    assertThat(tokens.tenants()).containsExactly("a", "b");
  }

  @Test
  void refusesMissingMalformedAndUnknownTokens() throws Exception {
    TenantTokens tokens = new TenantTokens(file("a " + A + "\n"), nanos::get);

    assertThat(tokens.tenant(null)).isNull();
    assertThat(tokens.tenant("")).isNull();
    assertThat(tokens.tenant(A)).isNull();
    assertThat(tokens.tenant("Basic " + A)).isNull();
    assertThat(tokens.tenant("Bearer " + A + "x")).isNull();
    assertThat(tokens.tenant("Bearer " + A.substring(1))).isNull();
  }

  @Test
  void refusesABadFileNamingTheLineButNotItsContent() throws Exception {
    TenantTokens.TokensFileException e =
        catchThrowableOfType(
            TenantTokens.TokensFileException.class,
            () -> new TenantTokens(file("a " + A + "\nb " + B + " extra\n"), nanos::get));
    assertThat(e.getMessage())
        .contains("otlp.auth.tokens-file")
        .contains("line 2")
        .doesNotContain(B);

    assertThat(
            catchThrowableOfType(
                    TenantTokens.TokensFileException.class,
                    () -> new TenantTokens(file("a short\n"), nanos::get))
                .getMessage())
        .contains("16 characters")
        .doesNotContain("short");
    assertThat(
            catchThrowableOfType(
                    TenantTokens.TokensFileException.class,
                    () -> new TenantTokens(file("a " + A + "\nb " + A + "\n"), nanos::get))
                .getMessage())
        .contains("line 2");
    assertThat(
            catchThrowableOfType(
                TenantTokens.TokensFileException.class,
                () -> new TenantTokens(file("# nothing\n"), nanos::get)))
        .isNotNull();
    assertThat(
            catchThrowableOfType(
                TenantTokens.TokensFileException.class,
                () -> new TenantTokens(file("ten ant " + A + "\n"), nanos::get)))
        .isNotNull();
  }

  @Test
  void rereadsTheFileWhenItChangesAtMostEverySecond() throws Exception {
    Path path = file("a " + A + "\nb " + B + "\n");
    TenantTokens tokens = new TenantTokens(path, nanos::get);
    Files.writeString(path, "a " + A + "\n");
    Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(tokens.tenant("Bearer " + B)).as("not checked yet").isEqualTo("b");
    nanos.addAndGet(TenantTokens.CHECK_INTERVAL_NANOS);
    assertThat(tokens.tenant("Bearer " + B)).isNull();
    assertThat(tokens.tenant("Bearer " + A)).isEqualTo("a");
  }

  @Test
  void keepsThePreviousTokensWhileTheFileIsBroken() throws Exception {
    Path path = file("a " + A + "\n");
    TenantTokens tokens = new TenantTokens(path, nanos::get);
    Files.writeString(path, "a\n");
    Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(tokens.reloadIfChanged()).isFalse();
    assertThat(tokens.tenant("Bearer " + A)).isEqualTo("a");
    Files.writeString(path, "c " + B + "\n");
    Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusSeconds(10)));
    assertThat(tokens.reloadIfChanged()).isTrue();
    assertThat(tokens.tenant("Bearer " + B)).isEqualTo("c");
  }
}
