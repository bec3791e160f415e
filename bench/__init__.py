"""`make bench`: national-scale figures side by side with their anchors (see bench/run.py)."""
