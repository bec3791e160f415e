"""`make bench`: national-scale figures side by side with their anchors (see bench/run.py).

run (the entry point, ``python -m bench.run``) · prepare (the dataset) · measure (timing,
subprocesses) · pages · exports (the report registry and the communes list) with anchors (the
same cells written bare) · imports · report (the markdown table).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench-output"
