"""A batch on local folders and through a local S3 server (issue 17, point 2): wall times of a
full run, a run with nothing changed, a run that adds articles, and a run with nothing changed
from a fresh working folder (another machine's first run), local beside S3.

    python bench/object_store.py [--articles N] [--add 10] [--workers 1]

Inputs: the dev texts (bench/dataset.py), one copy of each unless ``--articles``. The S3
server is moto's (bench/s3_server.py, in its own process on a free loopback port), so
its times are a local server's, not a network's. Every run is one ``newsclean run`` process
measured from the outside; the machine's load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import dataset
import measure
import s3_server


def store_size(fs, prefix: str) -> tuple[int, int]:
    fs.invalidate_cache()
    found = fs.find(prefix, detail=True)
    return len(found), sum(info["size"] for info in found.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=None, help="default: one copy of each dev text")
    ap.add_argument("--add", type=int, default=10, help="articles added before the third run")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    if dataset.missing_sources():
        print(f"bench: skipped, dev texts absent: {', '.join(dataset.missing_sources())}")
        return 0
    exe = measure.newsclean()
    with s3_server.serve() as endpoint:
        os.environ.update(s3_server.environment(endpoint))
        import s3fs

        with tempfile.TemporaryDirectory(prefix="newsclean-s3-") as tmp:
            work = Path(tmp)
            files = dataset.make_raw(work / "all", articles=(args.articles or len(dataset.dev_files())) + args.add)
            raw = work / "raw"
            raw.mkdir()
            later = files[-args.add:] if args.add else []
            held_back = {p.name.split(".", 1)[0] for p in later}  # their sidecars wait with them
            for path in sorted(work.joinpath("all").iterdir()):
                if path.name.split(".", 1)[0] not in held_back:
                    shutil.copyfile(path, raw / path.name)
            fs = s3fs.S3FileSystem()
            fs.mkdir("bench")
            fs.put(str(raw) + "/", "bench/raw/", recursive=True)
            n = len(list(raw.glob("*.txt")))
            mb = sum(p.stat().st_size for p in raw.glob("*.txt")) / 1e6
            rows = []
            for where, raw_arg, out_arg in (("local", str(raw), str(work / "out")),
                                            ("s3", "s3://bench/raw", "s3://bench/clean")):
                env_work = str(work / "machine-a")
                os.environ["NEWSCLEAN_WORK"] = env_work
                cmd = [exe, "run", "--raw", raw_arg, "--out", out_arg, "--quiet", "--workers", str(args.workers)]
                full = measure.run(cmd)
                same = measure.run(cmd)
                for path in later:
                    shutil.copyfile(path, raw / path.name)
                    if where == "s3":
                        fs.put_file(str(path), f"bench/raw/{path.name}")
                added = measure.run(cmd)
                for path in later:
                    (raw / path.name).unlink()
                    if where == "s3":
                        fs.rm_file(f"bench/raw/{path.name}")
                measure.run(cmd)  # back to the first raw folder
                os.environ["NEWSCLEAN_WORK"] = str(work / "machine-b")
                fresh = measure.run(cmd)
                rows.append((where, full, same, added, fresh))
            objects, size = store_size(fs, "bench/clean")
    print(f"{n:,} articles ({mb:.1f} MB), --workers {args.workers}, +{args.add} added; load average "
          f"{measure.load_average()} (a shared machine: compare rows of one run only)")
    print(f"  {'where':<6} {'full run':>9} {'no change':>10} {'+' + str(args.add) + ' added':>10} {'fresh folder':>13}")
    for where, full, same, added, fresh in rows:
        print(f"  {where:<6} {full.wall:8.1f}s {same.wall:9.1f}s {added.wall:9.1f}s {fresh.wall:12.1f}s")
    print(f"  the store holds {objects} objects, {size / 1e6:.1f} MB, for the output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
