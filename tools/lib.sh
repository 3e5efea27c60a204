# Shared by tools/test and tools/demo: package setup and builds. Sourced, not run.
# shellcheck shell=bash

VRRPD_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything the build, the tests and the demo use, from Debian 12's archive.
VRRPD_PACKAGES=(
        meson ninja-build pkg-config gcc clang libclang-rt-14-dev
        libsystemd-dev libnl-3-dev libnl-route-3-dev libnftables-dev libglib2.0-dev libcurl4-openssl-dev libgcrypt20-dev
        python3 python3-pytest python3-scapy python3-dbus python3-gi python3-aiosmtpd
        iproute2 nftables procps psmisc keepalived frr tshark tcpdump nginx-light curl dbus systemd
        dunst xvfb x11-apps
)

log() {
        printf '==> %s\n' "$*"
}

die() {
        printf 'error: %s\n' "$*" >&2
        exit 1
}

need_root() {
        [ "$(id -u)" -eq 0 ] || die "run me as root: the tests and the demo create network namespaces"
}

# Installs only what is missing, so a warm machine does not wait on apt. No package's service may start: frr's
# would run zebra in the root network namespace, where the tests must not touch a thing (they run FRR in their
# own namespaces). So a policy-rc.d that denies every start (exit 101; invoke-rc.d and deb-systemd-invoke ask it)
# stands for the install unless the machine has one, and frr.service, if we installed frr, is not enabled for
# the next boot either.
install_packages() {
        local missing=()
        local p
        for p in "${VRRPD_PACKAGES[@]}"; do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || die "apt-get update failed"
        local policy=/usr/sbin/policy-rc.d ours='' rc=0
        if [ ! -e "$policy" ]; then
                printf '#!/bin/sh\n# tools/lib.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
                chmod 755 "$policy"
                ours=1
        fi
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
        [ -n "$ours" ] && rm -f "$policy"
        [ $rc -eq 0 ] || die "apt-get install failed"
        # systemctl disables offline too (no running systemd needed); deb-systemd-helper would not, outside dpkg.
        if printf '%s\n' "${missing[@]}" | grep -qx frr && command -v systemctl >/dev/null; then
                systemctl disable frr.service >/dev/null 2>&1 || true
        fi
}

# meson_build DIR [meson options…]: configure once, then (re)build. With VRRPD_BUILD_ONLY set to an extended
# regular expression, only the targets whose path matches it (the sanitizer and fuzzer builds need their tests,
# not the daemon, the client and the tools).
meson_build() {
        local dir=$1 targets=()
        shift
        if [ ! -f "$dir/build.ninja" ]; then
                meson setup "$dir" "$VRRPD_TOP" "$@" >"$dir.setup.log" 2>&1 || {
                        cat "$dir.setup.log" >&2
                        return 1
                }
        fi
        if [ -n "${VRRPD_BUILD_ONLY:-}" ]; then
                mapfile -t targets < <(ninja -C "$dir" -t targets all | sed -n 's/^\([^:]*\): .*/\1/p' |
                                       grep -E "^(${VRRPD_BUILD_ONLY})$")
                [ ${#targets[@]} -gt 0 ] || { echo "no target matches $VRRPD_BUILD_ONLY" >&2; return 1; }
        fi
        ninja -C "$dir" "${targets[@]}" >"$dir.ninja.log" 2>&1 || {
                grep -E 'error|warning|FAILED' "$dir.ninja.log" | head -40 >&2
                return 1
        }
}
