"""How the national-scale generator writes: in batches, timing and counting each step."""

import time

BATCH_SIZE = 5000  # rows per INSERT of bulk_create


class Progress:
    """Times each step and reports "label: rows (seconds, total)" to `write`."""

    def __init__(self, write):
        self.write = write or (lambda line: None)
        self.started = self.step_started = time.monotonic()
        self.counts = {}

    def done(self, label, count, written=True):
        now = time.monotonic()
        if written:
            self.counts[label] = self.counts.get(label, 0) + count
        rows = f"{count:,}".replace(",", ".")  # Vietnamese thousands separator
        self.write(
            f"{label}: {rows} dòng, {now - self.step_started:.1f} s "
            f"(tổng {now - self.started:.1f} s)"
        )
        self.step_started = now
