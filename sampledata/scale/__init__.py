"""A synthetic country-size dataset for measuring pages, exports and imports at scale.

Nothing here is real: provinces, districts and communes are named "Tỉnh Thử 07",
"Huyện Thử 123", "Thử 01234", agencies sit in the bloc ``SCALE_BLOC``, and every
row that has ``is_demo`` carries it, so the site shows its demo-data notice.
Only the criteria set ``qd318-2021-2025`` is real (from ``load_reference``).
Like the real country it is reformed on 01/07/2025: its communes go, one to four
at a time, into new units "Thử Mới 0123" of 2025-era provinces, and assignments
and later visits follow them (``reform``), so that the current map has roll-ups
to measure.

Rows are written with ``bulk_create`` and no history records (a history of a
million invented rows is of no use), and removed with plain SQL deletes.

``generate`` checks and runs the whole generation; ``units``, ``reform``,
``decision``, ``results`` and ``visits`` write one part each; ``markers`` says how synthetic
rows are found again and ``removal`` deletes them. The names below are what the
commands, the benchmark (bench/run.py) and the load test import.
"""

from .generate import Scale, ScaleDataError, generate_scale_data, update_statistics
from .markers import (
    CODE_PREFIX,
    SCALE_BLOC,
    SCALE_DECISION_NUMBER,
    SCALE_ISSUER,
    scale_data_exists,
    synthetic_units,
)
from .removal import remove_scale_data

__all__ = [
    "CODE_PREFIX",
    "SCALE_BLOC",
    "SCALE_DECISION_NUMBER",
    "SCALE_ISSUER",
    "Scale",
    "ScaleDataError",
    "generate_scale_data",
    "remove_scale_data",
    "scale_data_exists",
    "synthetic_units",
    "update_statistics",
]
