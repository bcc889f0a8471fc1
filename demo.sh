#!/usr/bin/env bash
# Set up a virtual environment, install metricdsl and run the bundled telesales example on embedded DuckDB.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check .
.venv/bin/metricdsl check specs
.venv/bin/metricdsl run specs --query monthly_kpi
