"""A server on 127.0.0.1 in a process of its own for the length of a ``with`` block: the
tests' and the benchmarks' luigid and S3 server (moto), started the one way here.

    with loopback_service(moto_command(port), port, "the S3 server") as url: ...

Nothing of newsclean's commands uses it; it lives in the package so that tests/ and bench/
share it without either importing the other.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

START_TIMEOUT = 30.0  # seconds a server has to accept a connection


class ServiceError(RuntimeError):
    """A server that exited or did not listen in time."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moto_command(port: int) -> list[str]:
    """moto's S3 server (``pip install 'moto[server]'``) on 127.0.0.1:``port``."""
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def luigid_command(port: int, state: str) -> list[str]:
    """luigid on 127.0.0.1:``port``, its logs and state in the folder ``state``."""
    return [sys.executable, "-c", "from luigi.cmdline import luigid; luigid()", "--address", "127.0.0.1",
            "--port", str(port), "--logdir", state, "--state-path", f"{state}/state.pickle"]


def wait_listening(proc: subprocess.Popen, port: int, what: str, timeout: float = START_TIMEOUT) -> None:
    """Return once 127.0.0.1:``port`` accepts a connection; ServiceError when ``proc`` ended
    first or ``timeout`` seconds went by."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise ServiceError(f"{what} exited with {proc.returncode} before listening on port {port}") from None
            if time.monotonic() > deadline:
                raise ServiceError(f"{what} did not listen on port {port} within {timeout:.0f} s") from None
            time.sleep(0.05)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 10 s; waits for the process either way."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def loopback_service(argv: list[str], port: int, what: str, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Start a server (``argv``, listening on 127.0.0.1:``port``) in its own process, wait
    until it accepts connections, yield its URL, and stop it afterwards."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(proc, port, what, timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
