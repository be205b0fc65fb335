"""moto's S3 server that counts what it is asked, for the benchmarks (bench/scale.py,
bench/object_store.py): the requests by kind and the bytes that went in and out.

    python bench/s3_server.py PORT          # serve on 127.0.0.1:PORT until SIGTERM

``GET /__bench/counts`` answers the counts so far as JSON (``counts(url)`` reads them):
``{"requests": {"<kind>": [requests, bytes in, bytes out], ...}, "cpu": <the server's CPU
seconds>}`` where kind is ``list``, ``get``,
``head``, ``put``, ``lease`` (a PUT of a ``.lease`` key: taken, renewed), ``delete``,
``post`` (multi-delete, multipart) or ``other``; and ``put:<folder>`` the PUTs by the
folder of their key (``raw``, ``out/corpus``, ``out/_state/plan`` ...: see ``folder``), for
"what a step wrote". Bytes in are the request bodies
(Content-Length), bytes out the response bodies. The server itself is moto's, unchanged
(``python -m moto.server`` with this middleware around its WSGI application).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from newsclean.tasks.loopback import ServiceError, free_port, loopback_service

COUNTS_PATH = "/__bench/counts"


def kind(method: str, path: str, query: str) -> str:
    """What an S3 request is, from its method, path (/bucket/key) and query."""
    key = path.lstrip("/").partition("/")[2]
    if method == "GET":
        return "list" if not key or "list-type" in query or "prefix=" in query else "get"
    if method == "PUT":
        return "lease" if key.endswith(".lease") else "put"
    return {"HEAD": "head", "DELETE": "delete", "POST": "post"}.get(method, "other")


def folder(path: str) -> str:
    """The folder a key is in, below its bucket: the top prefix and its first folder
    (``out/corpus``; ``_state``'s files by their sub-folder, ``out/_state/plan``); a file at
    the top of a prefix by the prefix alone (``raw``, ``out``: its manifest)."""
    parts = urllib.parse.unquote(path).lstrip("/").split("/")[1:]
    depth = 3 if len(parts) > 3 and parts[1] == "_state" else 2
    return "/".join(parts[:min(depth, len(parts) - 1)]) or "(bucket)"


class Counting:
    """WSGI middleware: counts every request to ``app`` (see the module's doc)."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, what: str, calls: int, sent: int, received: int) -> None:
        with self.lock:
            row = self.counts[what]
            row[0] += calls
            row[1] += sent
            row[2] += received

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == COUNTS_PATH:
            times = os.times()
            with self.lock:
                body = json.dumps({"requests": self.counts, "cpu": times.user + times.system}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        method = environ.get("REQUEST_METHOD", "")
        what = kind(method, path, environ.get("QUERY_STRING", ""))
        sent = int(environ.get("CONTENT_LENGTH") or 0)
        self.add(what, 1, sent, 0)
        if what == "put":  # a multipart upload's parts too: their bytes are the object's
            self.add(f"put:{folder(path)}", 1, sent, 0)
        return self.counted(self.app(environ, start_response), what)

    def counted(self, chunks, what: str):
        try:
            for chunk in chunks:
                self.add(what, 0, 0, len(chunk))
                yield chunk
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()


def counts(url: str) -> dict:
    """The counts of the server at ``url`` so far."""
    with urllib.request.urlopen(url + COUNTS_PATH, timeout=30) as answer:
        return json.loads(answer.read())


def difference(after: dict[str, list[int]], before: dict[str, list[int]]) -> dict[str, list[int]]:
    """What was asked between two readings of ``counts``."""
    zero = [0, 0, 0]
    return {k: d for k in after if any(d := [a - b for a, b in zip(after[k], before.get(k, zero))])}


@contextmanager
def serve(endpoint: str | None = None) -> Iterator[str]:
    """This server on a free loopback port for a ``with`` block (its URL), or ``endpoint``:
    one started beforehand (``python bench/s3_server.py PORT``), left running."""
    if endpoint:
        yield endpoint.rstrip("/")
        return
    port = free_port()
    try:
        with loopback_service([sys.executable, __file__, str(port)], port, "the S3 server (moto)") as url:
            yield url
    except ServiceError as exc:
        raise SystemExit(f"bench: {exc} (pip install 'moto[server]')") from None


def environment(url: str) -> dict[str, str]:
    """The AWS environment that points botocore (s3fs, newsclean) at the server at ``url``."""
    return {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": url}


def main(argv: list[str]) -> int:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    port = int(argv[0])
    os.environ.setdefault("MOTO_PORT", str(port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = Counting(DomainDispatcherApplication(create_backend_app))
    run_simple("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
