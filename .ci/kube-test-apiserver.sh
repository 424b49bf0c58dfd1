#!/usr/bin/env bash
# The real Kubernetes API server the live tests (compiler/tests/live.rs) run against: the
# apiextensions-apiserver + etcd built by ../shared/tools/kube-test-apiserver/ (see its README).
#
# Source it for the functions, or run it:
#   .ci/kube-test-apiserver.sh build           build the server once per machine (~10 min on 2
#                                              cores), or reuse the binary already built
#   .ci/kube-test-apiserver.sh start DIR       build or reuse, start on loopback with state in
#                                              DIR, print `export ROUTEC_TEST_KUBECONFIG=...`
#   .ci/kube-test-apiserver.sh stop DIR        stop what `start DIR` started and delete DIR
#
# Environment:
#   KUBE_TEST_APISERVER_TOOLS  the tool's folder (default: ../shared/tools/kube-test-apiserver
#                              beside this repository)
#   KCA_BIN                    the server binary (default: the build tool's output,
#                              /var/tmp/kube-crd-apiserver-build/bin/kube-crd-apiserver)
#   KCA_PORT, ETCD_PORT        loopback ports (default: the first free ones from 16443 and
#                              12379, away from the tool's own defaults so that a server someone
#                              started by hand is neither hit nor in the way)

kta_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kta_tools="${KUBE_TEST_APISERVER_TOOLS:-$kta_repo/../shared/tools/kube-test-apiserver}"
kta_bin="${KCA_BIN:-/var/tmp/kube-crd-apiserver-build/bin/kube-crd-apiserver}"

# Installs the Debian packages the server needs to run, only those missing.
kta_packages() {
  local missing=()
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  # build.sh unpacks Debian's Go and the Kubernetes sources with apt-get download + dpkg -x.
  command -v dpkg-deb >/dev/null || missing+=(dpkg)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "kube-test-apiserver: installing ${missing[*]}" >&2
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

kta_build() {
  kta_packages || return 1
  if [ -x "$kta_bin" ]; then
    echo "kube-test-apiserver: reusing $kta_bin" >&2
    return 0
  fi
  if [ ! -f "$kta_tools/build.sh" ]; then
    echo "kube-test-apiserver: $kta_tools/build.sh not found (set KUBE_TEST_APISERVER_TOOLS)" >&2
    return 1
  fi
  echo "kube-test-apiserver: building $kta_bin (once per machine, about 10 minutes)" >&2
  bash "$kta_tools/build.sh" "$kta_bin" >&2
}

# The first port from $1 on that nothing on loopback listens on (and, with $2 = 2, the port
# after it too: etcd's peer port).
kta_free_port() {
  local port="$1" span="${2:-1}" i busy
  for _ in $(seq 1 200); do
    busy=0
    for i in $(seq 0 $((span - 1))); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$((port + i))") 2>/dev/null; then busy=1; fi
    done
    [ "$busy" = 0 ] && { echo "$port"; return 0; }
    port=$((port + span))
  done
  echo "kube-test-apiserver: no free port from $1" >&2
  return 1
}

# kta_start DIR: starts the server with its state in DIR and exports ROUTEC_TEST_KUBECONFIG.
kta_start() {
  local dir="$1" line port etcd_port
  [ -n "$dir" ] || { echo "kta_start: no state folder given" >&2; return 1; }
  kta_build || return 1
  # A leftover of an interrupted run (processes, etcd data) would change what the tests see.
  kta_stop "$dir"
  port="${KCA_PORT:-$(kta_free_port 16443)}" || return 1
  etcd_port="${ETCD_PORT:-$(kta_free_port 12379 2)}" || return 1
  line="$(KCA_BIN="$kta_bin" KCA_PORT="$port" ETCD_PORT="$etcd_port" \
          bash "$kta_tools/start.sh" "$dir")" || return 1
  case "$line" in
    "export KUBECONFIG="*) ROUTEC_TEST_KUBECONFIG="${line#export KUBECONFIG=}" ;;
    *) echo "kube-test-apiserver: unexpected output from start.sh: $line" >&2; return 1 ;;
  esac
  export ROUTEC_TEST_KUBECONFIG
  echo "kube-test-apiserver: ready, ROUTEC_TEST_KUBECONFIG=$ROUTEC_TEST_KUBECONFIG" >&2
}

# kta_stop DIR: stops what kta_start DIR started (by recorded pid) and deletes DIR.
kta_stop() {
  local dir="$1"
  [ -n "$dir" ] || return 0
  if [ -f "$kta_tools/stop.sh" ]; then
    bash "$kta_tools/stop.sh" "$dir" --wipe
  else
    rm -rf "$dir"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    build) kta_build ;;
    start) kta_start "${2:?usage: $0 start DIR}" && echo "export ROUTEC_TEST_KUBECONFIG=$ROUTEC_TEST_KUBECONFIG" ;;
    stop) kta_stop "${2:?usage: $0 stop DIR}" ;;
    *) echo "usage: $0 build | start DIR | stop DIR" >&2; exit 2 ;;
  esac
fi
