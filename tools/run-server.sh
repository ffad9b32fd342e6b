#!/usr/bin/env bash
# Starts the background task worker and the web server together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py db_worker --queue-name default &
worker=$!
.venv/bin/python manage.py run_periodic --loop > data/periodic.log 2>&1 &
periodic=$!
trap 'kill $worker $periodic 2>/dev/null || true' EXIT INT TERM
cat <<'TXT'

  三项制度执法平台已启动： http://127.0.0.1:8000
  演示账号（密码均为 Sanxiang@2026）：
    admin        系统管理员（超级用户）
    head         省局负责人
    officer01    东部监察分局 执法人员
    reviewer01   东部监察分局 法制审核人员
    officer21    西部监察分局 执法人员
  接口文档： http://127.0.0.1:8000/api/docs
  按 Ctrl-C 停止。

TXT
.venv/bin/python manage.py runserver 127.0.0.1:8000
