"""Load and fault test of NTM Portal: scripts/loadtest.sh runs it, not pytest (see
docs/performance.md)."""
