"""Property-based tests (hypothesis) posting random data to every form of the portal.

Properties, for every form and persona: never a server error; a refused
submission writes nothing; an accepted one writes a consistent whole; user text
comes back escaped. Shared strategies and checks are in fuzzing.py; the inputs
that once failed are pinned in test_fuzz_regressions.py.

About a minute per database with the default number of examples; search longer
by hand with e.g. ``NTM_FUZZ_EXAMPLES=500 .venv/bin/pytest tests/fuzz``.
"""
