"""Invented data, and nothing else: the Lào Cai demo (real communes and criteria,
invented people, visits and scores), its accounts and removal, and the synthetic
national-scale country of the benchmark. It sits above every real app and is never
loaded in production mode (DJANGO_ENV=production)."""
