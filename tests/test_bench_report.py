from bench.report import Result, append_to_docs, percentile, table
from bench.server import parse_wrk

WRK_OUTPUT = """Running 30s test @ http://127.0.0.1:8910/admin/billing/invoice/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   118.20ms   20.11ms 401.32ms   80.00%
    Req/Sec   135.12     20.40   190.00     70.00%
  Latency Distribution
     50%  115.37ms
     75%  125.01ms
     90%  140.22ms
     99%    1.20s
  8110 requests in 30.03s, 95.12MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    270.06
Transfer/sec:      3.17MB
"""


def test_wrk_output_gives_throughput_errors_and_latency():
    result = parse_wrk(WRK_OUTPUT, target="admin list", seconds=30, connections=32)
    assert result.requests == 8110
    assert result.requests_per_second == 270.06
    assert result.errors == 9  # 3 read + 2 timeouts + 4 answers that were not 2xx/3xx
    assert (result.p50_ms, result.p99_ms) == (115.37, 1200.0)


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.50) == 50.0
    assert percentile(samples, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_table_shows_the_ratio_to_the_named_floor():
    results = [
        Result("page", "admin", 10, 20.0, 30.0, "floor: sql", 4, 12.5),
        Result("floor: sql", "floor", 10, 1.0, 2.0, None, None),
    ]
    lines = table(results).splitlines()
    assert lines[2] == "| page | 10 | 20.0 | 30.0 | 15.0 | floor: sql | 4 | 12.5 |"
    assert lines[3] == "| floor: sql | 10 | 1.0 | 2.0 |  |  |  |  |"


def test_a_run_lands_at_the_end_of_the_runs_section_not_after_later_sections(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# B\n\n### Runs\n\n#### First run\n\ntable\n\n## PDF\n\npdf figures\n")
    append_to_docs(docs, "\n#### Second run\n\nnew table\n")
    text = docs.read_text()
    assert text.index("#### First run") < text.index("#### Second run") < text.index("## PDF")
    assert text.endswith("pdf figures\n")
