package io.loghaul.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransparentHugePagesTest {
  @Test
  void offeredWhenTheKernelGivesThemOnRequestOrAlways() {
    assertThat(TransparentHugePages.offered("always [madvise] never\n")).isTrue();
    assertThat(TransparentHugePages.offered("[always] madvise never\n")).isTrue();
    assertThat(TransparentHugePages.offered("always madvise [never]\n")).isFalse();
    assertThat(TransparentHugePages.offered("")).isFalse();
  }
}
