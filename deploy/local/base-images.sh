#!/usr/bin/env bash
# Makes the two base images deploy/Dockerfile needs from Debian packages alone, for machines that
# reach no container registry (the tests use them; see docs/deploy.md):
#   localhost/loghaul-runtime-base:bookworm   debootstrap --variant=minbase bookworm
#   localhost/loghaul-build-base:bookworm     the same + a JDK >= 21 (JAVA_HOME or /usr/lib/jvm/*)
#                                             + Apache Maven (from Maven Central, through mvn)
# Images that already exist are kept. The root file system tarball is cached under
# ${LOGHAUL_CACHE:-~/.cache/loghaul}/images, so a removed image is re-imported in seconds.
# Needs root (debootstrap), podman, and apt-get for what is missing.
set -euo pipefail

readonly RUNTIME_IMAGE=localhost/loghaul-runtime-base:bookworm
readonly BUILD_IMAGE=localhost/loghaul-build-base:bookworm
readonly MAVEN_VERSION=3.9.9
readonly CACHE=${LOGHAUL_CACHE:-$HOME/.cache/loghaul}/images

log() { echo "base-images: $*" >&2; }

have_image() { podman image exists "$1"; }

if have_image "$RUNTIME_IMAGE" && have_image "$BUILD_IMAGE"; then
  exit 0
fi
mkdir -p "$CACHE"
command -v debootstrap >/dev/null 2>&1 \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2

# The mirror apt already uses: deb822 sources first, then the one-line format.
mirror() {
  local m
  m=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
  [[ -n $m ]] || m=$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [[ -n $m ]] || { log "no Debian mirror found in apt's sources"; exit 1; }
  echo "${m%% *}"
}

# minbase root file system, tarred once
rootfs_tar=$CACHE/bookworm-minbase.tar
if [[ ! -s $rootfs_tar ]]; then
  work=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  log "debootstrap --variant=minbase bookworm (about 30 s)"
  debootstrap --variant=minbase bookworm "$work/root" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/cache/apt/archives/"*.deb
  tar -C "$work/root" --numeric-owner -cf "$rootfs_tar.tmp" .
  mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$work"
  trap - EXIT
fi

if ! have_image "$RUNTIME_IMAGE"; then
  log "importing $RUNTIME_IMAGE"
  podman import --change 'CMD ["/bin/bash"]' "$rootfs_tar" "$RUNTIME_IMAGE" >/dev/null
fi

if ! have_image "$BUILD_IMAGE"; then
  jdk=${LOGHAUL_IMAGE_JDK:-}
  if [[ -z $jdk ]]; then
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
      [[ -n $candidate && -x $candidate/bin/jlink ]] || continue
      version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = //p')
      if [[ ${version:-0} =~ ^[0-9]+$ ]] && ((version >= 21)); then
        jdk=$candidate
        break
      fi
    done
  fi
  [[ -n $jdk ]] || { log "no JDK >= 21 with jlink found (set LOGHAUL_IMAGE_JDK)"; exit 1; }
  maven_tar=$CACHE/apache-maven-$MAVEN_VERSION-bin.tar.gz
  if [[ ! -s $maven_tar ]]; then
    log "fetching Apache Maven $MAVEN_VERSION from Maven Central"
    mvn -B -q dependency:copy -Dartifact=org.apache.maven:apache-maven:$MAVEN_VERSION:tar.gz:bin \
      -DoutputDirectory="$CACHE" -Dmdep.stripVersion=false >&2
    mv "$CACHE/apache-maven-$MAVEN_VERSION-bin.tar.gz" "$maven_tar" 2>/dev/null || true
  fi
  work=$(mktemp -d "$CACHE/build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/root"
  tar -C "$work/root" -xf "$rootfs_tar"
  mkdir -p "$work/root/opt"
  # -L: the JDK's cacerts is often a symlink into the host's /etc/ssl
  cp -a -L "$jdk" "$work/root/opt/jdk"
  tar -C "$work/root/opt" -xzf "$maven_tar"
  mv "$work/root/opt/apache-maven-$MAVEN_VERSION" "$work/root/opt/maven"
  log "importing $BUILD_IMAGE (JDK from $jdk)"
  tar -C "$work/root" --numeric-owner -cf - . \
    | podman import --change 'ENV JAVA_HOME=/opt/jdk' \
      --change 'ENV PATH=/opt/jdk/bin:/opt/maven/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/bash"]' - "$BUILD_IMAGE" >/dev/null
  rm -rf "$work"
  trap - EXIT
fi
