"""The README's bench block is replaced whole by a `make bench` run's results (scripts/readme_tables.py)."""
from readme_tables import replace_bench_table

README = """Intro.

Machine: 2 cores, load average 6.5 at the start.

| case | time |
|---|---|
| old | 109.4 |

| store | measured |
|---|---|
| dock | 0.45 s |

Against the targets: old text.
"""
RESULTS = """Machine: 2 cores, load average 3.1 at the start.

| case | time |
|---|---|
| new | 30.0 |
| month | 2.5 |

| store | measured |
|---|---|
| dock | 0.40 s |
"""


def test_the_bench_block_is_replaced_and_the_text_around_it_kept():
    out = replace_bench_table(README, RESULTS)
    assert out == "Intro.\n\n" + RESULTS + "\nAgainst the targets: old text.\n"
    assert replace_bench_table(out, RESULTS) == out
