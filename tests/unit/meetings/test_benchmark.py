"""The meetings benchmark: every page and PDF of a meeting costs the same statements for a
short and a long agenda. Timings are printed by ``sw-gremien benchmark meetings``."""

from sw_gremien.meetings.benchmark import format_table, run_meetings_benchmark


def test_statements_per_page_do_not_grow_with_the_agenda():
    result = run_meetings_benchmark(None, sizes=(2, 12), repeat=1)
    assert set(result.sizes) == {2, 12}
    assert len(result.sizes[12]) == 5
    counts = {name: {size: pages[name].statements for size, pages in result.sizes.items()}
              for name in result.sizes[2]}
    assert result.statement_mismatches() == {}, f"statements grow with the agenda (query per item?): {counts}"
    assert "| agenda page |" in format_table(result)
