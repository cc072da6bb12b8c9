"""Statistics, the results table, the machine description and docs/benchmarks.md."""

import datetime
import math
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .server import LoadResult


@dataclass(frozen=True)
class Result:
    name: str
    group: str
    runs: int
    p50_ms: float
    p95_ms: float
    floor: str | None
    queries: int | None
    cpu_ms: float | None = None  # server CPU per request (all workers), pages only
    transaction_statements: int | None = None  # BEGIN/COMMIT round trips, not in `queries`


def percentile(samples: list[float], share: float) -> float:
    """Return the nearest-rank percentile of the samples (share between 0 and 1)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def table(results: list[Result]) -> str:
    by_name = {result.name: result for result in results}
    rows = [
        "| scenario | runs | p50 ms | p95 ms | x floor (p95) | floor | queries | server CPU ms |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in results:
        floor = by_name.get(r.floor) if r.floor else None
        ratio = f"{r.p95_ms / floor.p95_ms:.1f}" if floor and floor.p95_ms else ""
        queries = "" if r.queries is None else str(r.queries)
        if r.transaction_statements:
            queries += f" (+{r.transaction_statements})"
        cpu = "" if r.cpu_ms is None else f"{r.cpu_ms:.1f}"
        rows.append(
            f"| {r.name} | {r.runs} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {ratio} "
            f"| {r.floor or ''} | {queries} | {cpu} |"
        )
    return "\n".join(rows)


def load_table(loads: list[LoadResult], peak_rss_mib: float | None) -> str:
    rows = [
        "| wrk target | seconds | connections | requests | req/s | errors | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for x in loads:
        rows.append(
            f"| {x.target} | {x.seconds} | {x.connections} | {x.requests} "
            f"| {x.requests_per_second:.0f} | {x.errors} | {x.p50_ms:.1f} | {x.p99_ms:.1f} |"
        )
    text = "\n".join(rows) if loads else "wrk: not run."
    if peak_rss_mib is not None:
        text += f"\n\nPeak memory (VmHWM) of a gunicorn worker: {peak_rss_mib:.0f} MiB."
    return text


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = match.group(1).strip() if match else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f", {int(match.group(1)) / 1024 / 1024:.1f} GiB RAM" if match else ""
    postgres = _first_line(["psql", "--version"])
    return (
        f"{os.cpu_count()} x {cpu} (nproc {os.cpu_count()}){memory}, "
        f"Python {platform.python_version()}, {postgres}"
    )


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def _first_line(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError:
        return "PostgreSQL client not found"
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""


def docs_section(
    *,
    title: str,
    command: str,
    setup: str,
    results: list[Result],
    loads: list[LoadResult],
    peak_rss_mib: float | None,
    load_before: str,
    load_after: str,
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"\n#### {title} — {now}\n\n"
        f"- Command: `{command}`\n"
        f"- Machine: {machine()}\n"
        f"- Load average before / after the run: {load_before} / {load_after} "
        "(above 0.5 means other work was running on the machine)\n"
        f"- {setup}\n\n"
        f"{table(results)}\n\n"
        f"{load_table(loads, peak_rss_mib)}\n"
    )


RUNS_HEADING = "### Runs\n"


def append_to_docs(path: Path, section: str) -> None:
    """Add a run at the end of the "Runs" subsection (other sections may follow it)."""
    text = path.read_text(encoding="utf-8")
    start = text.find(RUNS_HEADING)
    end = text.find("\n## ", start) if start != -1 else -1
    if end == -1:
        text = text + section
    else:
        text = text[: end + 1].rstrip("\n") + "\n" + section.rstrip("\n") + "\n\n" + text[end + 1 :]
    path.write_text(text, encoding="utf-8")
