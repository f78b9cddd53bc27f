"""The benchmark command runs (its numbers are printed, never asserted)."""

from sw_gremien.benchmark import run_workflow_benchmark


def test_workflow_benchmark_runs_a_short_round(tmp_path):
    results = run_workflow_benchmark(f"sqlite:///{tmp_path / 'bench.sqlite'}", fires=6)
    assert results["fires per run"] == 6
    assert {"load all workflows (ms)", "fire, flush only: median (ms)", "fire + commit: median (ms)"} <= set(results)
