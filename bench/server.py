"""The benchmark server (gunicorn with the production settings), its memory, and wrk."""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


class Server:
    """gunicorn serving `portal.wsgi` on 127.0.0.1 with sync workers."""

    def __init__(self, port: int, workers: int, env: dict[str, str]) -> None:
        self.port, self.workers, self.env = port, workers, env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self._answers():
            raise RuntimeError(f"Something already listens on port {self.port}; pick another.")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(gunicorn),
                "portal.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers),
                "--log-level", "warning",
                "--timeout", "120",
            ],
            env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            if self._answers():
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within 60 s")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/bench/empty/", headers={"X-Forwarded-Proto": "https"})
            return conn.getresponse().status == 200
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def peak_rss_mib(self) -> float:
        """Return the largest peak resident memory (VmHWM) of any worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks, default=0.0)

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the workers have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            # Fields after the parenthesised command name; utime and stime are 14th and 15th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass(frozen=True)
class LoadResult:
    target: str
    seconds: int
    connections: int
    requests: int
    requests_per_second: float
    errors: int  # socket errors plus non-2xx/3xx answers
    p50_ms: float
    p99_ms: float


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    value, unit = float(text[:-2] if text.endswith(("ms", "us")) else text[:-1]), text[-2:]
    if unit == "us":
        return value / 1000
    if unit == "ms":
        return value
    return value * 1000  # seconds


def wrk(
    target: str, url: str, headers: dict[str, str], seconds: int, connections: int
) -> LoadResult:
    """Run wrk against one URL and read requests per second, errors and latency."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [*command, url], capture_output=True, text=True, check=True, env=os.environ.copy()
    ).stdout
    return parse_wrk(out, target=target, seconds=seconds, connections=connections)


def parse_wrk(out: str, *, target: str, seconds: int, connections: int) -> LoadResult:
    """Read requests, requests per second, errors and latency percentiles from wrk's output."""
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    return LoadResult(
        target=target,
        seconds=seconds,
        connections=connections,
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        errors=errors,
        p50_ms=_ms(latency.get("50", "0ms")),
        p99_ms=_ms(latency.get("99", "0ms")),
    )
