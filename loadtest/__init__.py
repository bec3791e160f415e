"""Load and fault test of NTM Portal (issue 7): scripts/loadtest.sh runs it, not pytest."""
