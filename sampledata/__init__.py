"""Invented data, and nothing else: the Lào Cai demo (real communes and criteria,
invented people, visits and scores), its accounts and removal, and the synthetic
national-scale country of the benchmark. It sits above every real app and is never
loaded in production mode (DJANGO_ENV=production): see refuse_in_production."""

from django.conf import settings

PRODUCTION_REFUSAL = (
    "Không {what}: máy chủ đang chạy ở chế độ production (DJANGO_ENV=production). "
    "Dữ liệu bịa và tài khoản có mật khẩu công khai không được có trên máy chủ thật; "
    "không có gì được ghi."
)


def refuse_in_production(what, error):
    """Raise `error` in production mode; callers ask before they open a transaction.

    Demo data, demo accounts (whose passwords are written in sampledata.lifecycle
    and printed by create_demo_accounts) and synthetic data never belong on a real
    server.
    """
    if settings.PRODUCTION:
        raise error(PRODUCTION_REFUSAL.format(what=what))
