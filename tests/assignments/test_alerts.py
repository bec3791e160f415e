"""`manage.py send_alerts`: per agency, assignments without a recent visit and overdue
recommendations, printed (no e-mail configured) or e-mailed one message per agency."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from assignments import alerts
from assignments.models import Agency, Assignment, Recommendation
from sampledata.lifecycle import GROUP_A_COMMUNE, demo_assignment
from tests.factories import make_assignment, make_commune, make_leader, make_visit

# What is stale and what is overdue is counted from today.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

CONSOLE = "django.core.mail.backends.console.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def run(*args):
    out = StringIO()
    call_command("send_alerts", *args, stdout=out)
    return out.getvalue()


def ban_vuoc():
    """Group A's pair in force: Bản Vược's, carried over to Xã Bát Xát on 01/07/2025."""
    return demo_assignment(GROUP_A_COMMUNE)


@pytest.fixture
def agency():
    """Bản Vược's agency, with one more assignment that was never visited."""
    agency = ban_vuoc().leader.agency
    make_assignment(leader=make_leader(agency=agency), commune=make_commune(name="Xa Xôi"))
    return agency


def test_digest_of_an_agency_counts_what_the_dashboard_counts(agency, today):
    [digest] = alerts.digests(today=today, agency=agency)

    stale = Assignment.objects.stale(today).filter(leader__agency=agency)
    overdue = Recommendation.objects.overdue(today).filter(visit__assignment__leader__agency=agency)
    assert {a.pk for a in digest.stale} == set(stale.values_list("pk", flat=True))
    assert {r.pk for r in digest.overdue} == set(overdue.values_list("pk", flat=True))
    assert digest.overdue  # the demo data has overdue recommendations for this agency
    assert "Xa Xôi" in {a.commune.name for a in digest.stale}


def test_printed_digest_names_the_communes_and_the_figures(agency, settings, today):
    settings.EMAIL_BACKEND = CONSOLE
    stale = Assignment.objects.stale(today).filter(leader__agency=agency)
    overdue = Recommendation.objects.overdue(today).filter(visit__assignment__leader__agency=agency)

    out = run("--agency", str(agency.pk))

    assert "Chưa cấu hình thư điện tử" in out
    assert f"Cơ quan: {agency.name}" in out
    assert f"chưa đi cơ sở (kể cả chưa đi lần nào): {stale.count()}" in out
    assert f"Kiến nghị quá hạn chưa giải quyết: {overdue.count()}" in out
    assert "Xã Xa Xôi" in out
    assert "chưa đi lần nào từ ngày nhận phân công 01/01/2021" in out  # Xa Xôi
    assert "18/11/2026" in out  # today
    assert len(mail.outbox) == 0


def test_days_option_changes_which_assignments_are_stale(agency, today):
    quiet = Assignment.objects.get(commune__name="Xa Xôi")
    make_visit(assignment=quiet, status="confirmed", visited_on=today - datetime.timedelta(50))

    def stale_pks(days):
        digests = alerts.digests(today=today, days=days, agency=agency)
        return {a.pk for d in digests for a in d.stale}

    assert quiet.pk in stale_pks(49)
    assert quiet.pk not in stale_pks(50)
    assert quiet.pk not in stale_pks(None)  # the default, 90 days
    out = run("--agency", str(agency.pk), "--days", "49", "--dry-run")
    assert "quá 49 ngày chưa đi cơ sở" in out
    assert "Xã Xa Xôi" in out
    assert "Xã Xa Xôi" not in run("--agency", str(agency.pk), "--days", "50", "--dry-run")


def test_agencies_with_nothing_to_report_are_skipped(settings):
    settings.EMAIL_BACKEND = CONSOLE
    calm = Agency.objects.create(name="Sở Không Có Việc")
    make_leader(agency=calm)

    out = run("--agency", str(calm.pk))

    assert "Không có gì cần báo" in out
    assert "Sở Không Có Việc" not in out


def test_with_email_configured_one_message_goes_to_each_agency(agency, settings, member_a_user):
    settings.EMAIL_BACKEND = LOCMEM
    leader = ban_vuoc().leader
    leader.email = "lan.nguyen@laocai.gov.vn"
    leader.save()
    found = alerts.digests()
    reachable = [d for d in found if d.recipients]

    out = run()

    assert len(mail.outbox) == len(reachable) >= 1
    [message] = [m for m in mail.outbox if agency.name in m.body]
    assert sorted(message.to) == sorted(["lan.nguyen@laocai.gov.vn", member_a_user.email])
    assert message.subject.startswith("[NTM Portal]")
    assert "Xã Xa Xôi" in message.body
    assert f"Đã gửi {len(reachable)} thư." in out


def test_members_who_left_and_empty_addresses_receive_nothing(agency, member_a_user, today):
    [before] = alerts.digests(agency=agency)
    assert member_a_user.email in before.recipients
    membership = member_a_user.memberships.get()
    membership.left_on = today - datetime.timedelta(days=1)
    membership.save()

    [digest] = alerts.digests(agency=agency)

    assert member_a_user.email not in digest.recipients
    assert "" not in digest.recipients


def test_dry_run_sends_nothing(agency, settings):
    settings.EMAIL_BACKEND = LOCMEM

    out = run("--dry-run", "--agency", str(agency.pk))

    assert len(mail.outbox) == 0
    assert "Chạy thử (--dry-run)" in out
    assert f"Cơ quan: {agency.name}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--agency", "999999"], "Không có cơ quan nào có mã 999999"), (["--days", "0"], "--days")],
)
def test_bad_options_stop_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
