"""docs/chain-graph.png: luigid's dependency graph of a small batch run with ``--chain``.

    python bench/chain_graph.py [docs/chain-graph.png] [--size 1400x900]

Starts luigid on 127.0.0.1 at a free port, runs ``newsclean run --chain`` over the seeds
(raw/, two shards) against it, takes a screenshot of luigid's graph of the ``Publish`` task in
headless chromium (``make chromium``), and stops luigid. The stages are the default ones and the user stage
of docs/stages.md.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsclean.tasks.loopback import free_port, loopback_service, luigid_command  # noqa: E402
from newsclean.tasks.report.browser import FLAGS, TIMEOUT, find_chromium  # noqa: E402


USER_STAGE = "tests.example_stages:mask_emails"  # docs/stages.md's worked example, as a task of its own


def task_id(url: str, family: str) -> str:
    data = urllib.parse.quote(json.dumps({"status": "DONE"}))
    tasks = json.loads(urllib.request.urlopen(f"{url}/api/task_list?data={data}").read())["response"]
    return next(tid for tid, t in tasks.items() if t["name"] == family)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("png", nargs="?", type=Path, default=ROOT / "docs" / "chain-graph.png")
    ap.add_argument("--size", default="1400x1250")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsclean-graph-"))
    port = free_port()
    (work / "luigid").mkdir()
    with loopback_service(luigid_command(port, str(work / "luigid")), port, "luigid") as url:
        stages = ["encoding", "residue", "boilerplate", "captions", "metadata", "normalize", USER_STAGE]
        (work / "c.toml").write_text(f"shards = 2\nstages = {json.dumps(stages)}\n")
        subprocess.run([sys.executable, "-m", "newsclean.tasks.commands.cli", "run", "--raw", str(ROOT / "raw"), "--out", str(work / "out"),
                        "--config", str(work / "c.toml"), "--chain", "--scheduler-url", url, "-q"], cwd=ROOT, check=True)
        page = f"{url}/static/visualiser/index.html#tab=graph&taskId={urllib.parse.quote(task_id(url, 'Publish'))}"
        width, height = (int(x) for x in args.size.split("x"))
        with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
            subprocess.run([find_chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                            "--virtual-time-budget=8000", f"--screenshot={args.png.resolve()}", page],
                           capture_output=True, timeout=TIMEOUT, check=True)
        print(args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
