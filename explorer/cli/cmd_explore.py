"""dlkg explore: start the Streamlit app on this store."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from graph import KnowledgeGraph


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("explore", help="open the explorer app in the browser")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--headless", action="store_true", help="do not open a browser window")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    env = dict(os.environ)
    if args.endpoint:
        env["DLKG_ENDPOINT"] = args.endpoint
    else:
        env["DLKG_STORE"] = kg.backend.location
    kg.close()  # the app opens the store itself (an embedded store takes one writer)
    app = Path(__file__).resolve().parent.parent / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.headless", "true" if args.headless else "false",
           "--client.toolbarMode", "minimal", "--server.fileWatcherType", "none"]
    print(f"dlkg explorer on http://127.0.0.1:{args.port}", flush=True)
    return subprocess.call(cmd, env=env)
