#!/usr/bin/env bash
# Installs the Debian packages Sanxiang needs, only those missing.
#   tools/system-deps.sh         what the running system needs (make run): CJK fonts for PDFs,
#                                ffmpeg for playable copies and demo videos, Graphviz for flowcharts,
#                                poppler (pdftoppm, pdffonts) and ClamAV (clamscan, sigtool) for the
#                                archive's 四性检测
#   tools/system-deps.sh --test  the same plus what the tests need (make test): Chromium for the
#                                browser tests
set -euo pipefail
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
# Not `fc-list | grep -q`: under pipefail grep's early exit can fail fc-list with SIGPIPE.
fonts=$(fc-list : family 2>/dev/null || true)
[[ $fonts == *"Noto Sans CJK"* ]] || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v clamscan >/dev/null 2>&1 || missing+=(clamav)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${missing[*]}；请以 root 运行：apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "安装系统软件包：${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
