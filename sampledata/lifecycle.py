"""Demo data's life cycle: whether it is loaded, its accounts, removing it, its figures.

The invented rows themselves are made by ``sampledata.laocai.load_demo_data``.
Every demo row carries ``is_demo`` or hangs off the demo decision, so removal
finds them all. Nothing invented is ever written in production mode
(``sampledata.refuse_in_production``); removing it stays allowed there.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError, Q, Sum
from django.utils import timezone

from assignments import roles
from assignments.models import (
    Agency,
    Assignment,
    Attachment,
    Decision,
    FieldVisit,
    Leader,
    Member,
    Recommendation,
    Support,
    WorkingGroup,
)
from communes import scores, text
from communes.models import (
    Assessment,
    CommuneGroup,
    CommuneYear,
    CommuneYearEvent,
    Indicator,
    IndicatorResult,
    Recognition,
)
from sampledata import refuse_in_production


class DemoDataError(Exception):
    """Demo data cannot be loaded or removed; the message says why and what to do."""


def demo_data_loaded():
    return Decision.objects.filter(is_demo=True).exists()


# Demo accounts are recognised by this reserved (RFC 2606) e-mail domain, so that a
# real account that happens to be called "admin" is never reset or deleted.
DEMO_EMAIL_DOMAIN = "demo.invalid"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a role of assignments.roles, or SUPERUSER
    can: str
    extra_groups: tuple = ()  # groups given in addition to the role's (roles.OFFICE_HEAD)

    @property
    def password(self):
        return f"{self.username}-demo-2025"


SUPERUSER = "superuser"
DEMO_ACCOUNTS = (
    DemoAccount("admin", SUPERUSER, "Toàn quyền, trang quản trị"),
    DemoAccount("vanphong", roles.OFFICE, "Sửa mọi dữ liệu, nhập Excel, tải báo cáo"),
    DemoAccount(
        "truongvp",
        roles.OFFICE,
        "Như văn phòng, và duyệt, trả lại, mở lại kết quả năm của xã",
        extra_groups=(roles.OFFICE_HEAD,),
    ),
    DemoAccount(
        "thanhvien_a", roles.MEMBER, "Ghi chuyến công tác của tổ A (xã Bản Vược cũ, nay Xã Bát Xát)"
    ),
    DemoAccount("thanhvien_b", roles.MEMBER, "Ghi chuyến công tác của tổ B (xã Y Tý)"),
    DemoAccount(
        "lanhdao",
        roles.LEADER,
        "Xem xã Bản Vược cũ (nay Xã Bát Xát), chuyến công tác, kết quả của tổ",
    ),
    DemoAccount("nguoixem", roles.READER, "Chỉ xem bảng tổng hợp, báo cáo"),
)
# The xã the groups were paired with in 2021; since 01/07/2025 they go on in the units these
# went into (the demo's carry-over keeps both groups: sampledata.laocai.reform).
GROUP_A_COMMUNE = "Bản Vược"
GROUP_B_COMMUNE = "Y Tý"


def remove_demo_rows():
    """Delete every demo row and the history records of those rows; {label: count}.

    The accounts stay (see remove_demo_data). History records are purged because
    they repeat the invented names; deleting with history switched off keeps
    simple_history from writing a "deleted" record per row first.
    """
    decisions = Decision.objects.filter(is_demo=True)
    assignments = Assignment.objects.filter(decision__in=decisions)
    visits = FieldVisit.objects.filter(assignment__in=assignments)
    decision_ids = list(decisions.values_list("pk", flat=True))
    assignment_ids = list(assignments.values_list("pk", flat=True))
    visit_ids = list(visits.values_list("pk", flat=True))
    storage = Attachment._meta.get_field("file").storage
    files = list(Attachment.objects.filter(visit_id__in=visit_ids).values_list("file", flat=True))

    deleted = _delete_rows(decision_ids, assignment_ids, visit_ids)
    # The history repeats the invented names, so it goes too (including the
    # "deleted" entries the deletes above just wrote).
    for queryset in (
        Assignment.history.filter(decision_id__in=decision_ids),
        Leader.history.filter(is_demo=True),
        FieldVisit.history.filter(assignment_id__in=assignment_ids),
        Support.history.filter(visit_id__in=visit_ids),
        Recommendation.history.filter(visit_id__in=visit_ids),
        Assessment.history.filter(is_demo=True),
        IndicatorResult.history.filter(is_demo=True),
        CommuneGroup.history.filter(is_demo=True),
        Recognition.history.filter(is_demo=True),
    ):
        deleted["lịch sử thay đổi"] += queryset.delete()[0]
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return _labelled(deleted)


def _delete_rows(decision_ids, assignment_ids, visit_ids):
    deleted = Counter()
    try:
        with scores.deferred():  # one refresh of the scores, not one per deleted assessment
            _delete_each(deleted, decision_ids, assignment_ids, visit_ids)
    except ProtectedError as exc:
        example = next(iter(exc.protected_objects))
        raise DemoDataError(
            f"Không xoá được dữ liệu mẫu: {len(exc.protected_objects)} bản ghi thật đang dùng "
            f"nó (ví dụ: {example}). Không có gì bị xoá."
        ) from exc
    except ValidationError as exc:  # a year closed for entry (communes.locks)
        raise DemoDataError(
            f"Không xoá được dữ liệu mẫu: {' '.join(exc.messages)} Hãy sửa ngày khóa sổ của "
            "năm đó trong trang quản trị rồi chạy lại. Không có gì bị xoá."
        ) from exc
    return deleted


def _delete_each(deleted, decision_ids, assignment_ids, visit_ids):
    for queryset in (
        # First the demo's approvals, which lock its results (communes.locks).
        CommuneYear.objects.filter(is_demo=True),
        FieldVisit.objects.filter(pk__in=visit_ids),
        Assignment.objects.filter(pk__in=assignment_ids),
        WorkingGroup.objects.filter(is_demo=True),
        Leader.objects.filter(is_demo=True),
        Agency.objects.filter(is_demo=True),
        Decision.objects.filter(pk__in=decision_ids),
        IndicatorResult.objects.filter(is_demo=True),
        Assessment.objects.filter(is_demo=True),
        Indicator.objects.filter(is_demo=True),  # with their requirements; never the set
        CommuneGroup.objects.filter(is_demo=True),
        Recognition.objects.filter(is_demo=True),
    ):
        for label, count in queryset.delete()[1].items():
            if "_" not in label.split(".")[1]:  # not an m2m through table
                deleted[label] += count


def _labelled(deleted):
    result = {}
    for label, count in deleted.items():
        if "." in label:
            label = str(apps.get_model(label)._meta.verbose_name_plural)
        result[label] = count
    return result


def _demo_users():
    usernames = [account.username for account in DEMO_ACCOUNTS]
    return get_user_model().objects.filter(
        username__in=usernames, email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    )


@transaction.atomic
def remove_demo_data():
    """Delete every demo row and the demo accounts; {label: count}."""
    counts = remove_demo_rows()
    try:
        deleted = _demo_users().delete()[1]
    except ProtectedError as exc:  # e.g. a real commune-year approved with a demo account
        example = next(iter(exc.protected_objects))
        raise DemoDataError(
            f"Không xoá được tài khoản mẫu: {len(exc.protected_objects)} bản ghi thật ghi tên "
            f"tài khoản đó (ví dụ: {example}). Không có gì bị xoá."
        ) from exc
    counts["tài khoản mẫu"] = deleted.get(get_user_model()._meta.label, 0)
    return counts


def create_demo_accounts():
    """Create or reset the demo accounts; [(account, what happened)] and link notes.

    Refused in production mode (DemoDataError) before the database is opened: the
    passwords are published.
    """
    refuse_in_production("tạo tài khoản mẫu", DemoDataError)
    with transaction.atomic():
        return _create_demo_accounts()


def _create_demo_accounts():
    groups = roles.ensure_roles()
    User = get_user_model()
    done = []
    for account in DEMO_ACCOUNTS:
        email = f"{account.username}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(username=account.username).first()
        if user is not None and user.email != email:
            done.append((account, "bỏ qua: trùng tên một tài khoản thật"))
            continue
        created = user is None
        user = user or User(username=account.username, email=email)
        user.is_superuser = account.role == SUPERUSER
        user.is_staff = account.role in (SUPERUSER, roles.OFFICE)
        user.is_active = True
        user.set_password(account.password)
        user.save()
        names = [] if account.role == SUPERUSER else [account.role, *account.extra_groups]
        user.groups.set([groups[name] for name in names])
        done.append((account, "tạo mới" if created else "đặt lại mật khẩu"))
    return done, link_demo_accounts()


def demo_assignment(commune_name):
    """The active demo assignment of the one programme xã of that name, or of the unit its
    assignment was carried over to (the group follows its leader); None if not one."""
    key = text.match_key(commune_name)
    assignments = {
        a.pk: a
        for a in Assignment.objects.filter(decision__is_demo=True).select_related(
            "commune", "leader", "working_group"
        )
    }
    found = set()
    for assignment in assignments.values():
        if text.match_key(assignment.commune.name) != key:
            continue
        while assignment.successor_id in assignments:
            assignment = assignments[assignment.successor_id]
        if assignment.ended_on is None:
            found.add(assignment.pk)
    return assignments[found.pop()] if len(found) == 1 else None


def link_demo_accounts():
    """Make thanhvien_a/_b members of groups A/B and lanhdao the leader of group A's xã."""
    users = {user.username: user for user in _demo_users()}
    if not users:
        return []
    if not demo_data_loaded():
        return [
            (
                "Chưa nạp dữ liệu mẫu: bỏ qua liên kết thanhvien_a, thanhvien_b, lanhdao với tổ "
                "và lãnh đạo. Chạy load_demo_data rồi chạy lại create_demo_accounts."
            )
        ]
    notes = []
    group_a, group_b = demo_assignment(GROUP_A_COMMUNE), demo_assignment(GROUP_B_COMMUNE)
    for username, assignment, commune in (
        ("thanhvien_a", group_a, GROUP_A_COMMUNE),
        ("thanhvien_b", group_b, GROUP_B_COMMUNE),
        ("lanhdao", group_a, GROUP_A_COMMUNE),
    ):
        user = users.get(username)
        if user is None:
            continue
        if assignment is None:
            notes.append(f"{username}: không tìm thấy đúng một xã {commune}, bỏ qua liên kết.")
        elif username == "lanhdao":
            Leader.objects.filter(user=user).update(user=None)
            Leader.objects.filter(pk=assignment.leader_id).update(user=user)
            where = _where(assignment, commune)
            notes.append(f"{username}: lãnh đạo {assignment.leader.full_name} ({where}).")
        else:
            Member.objects.filter(user=user).update(user=None)
            member = assignment.working_group.members.filter(role=Member.Role.MEMBER).first()
            Member.objects.filter(pk=member.pk).update(user=user)
            notes.append(
                f"{username}: {member.full_name}, {assignment.working_group.name} "
                f"({_where(assignment, commune)})."
            )
    return notes + _link_review_actors(users)


def _link_review_actors(users):
    """The demo's review events (sampledata.laocai.year2026) name the demo office (submit)
    and the demo office head, who may approve (approve)."""
    events = CommuneYearEvent.objects.filter(commune_year__is_demo=True, actor=None)
    head = next(
        (
            user
            for user in users.values()
            if not user.is_superuser and user.has_perm("communes.approve_communeyear")
        ),
        None,
    )
    actors = {
        CommuneYearEvent.Action.SUBMIT: users.get("vanphong"),
        CommuneYearEvent.Action.APPROVE: head,
    }
    notes = []
    for action, user in actors.items():
        if user is not None and events.filter(action=action).update(actor=user):
            notes.append(
                f"{user.username}: {CommuneYearEvent.Action(action).label} kết quả năm mẫu."
            )
    return notes


def _where(assignment, commune):
    """ "xã Bản Vược, nay Xã Bát Xát" once the assignment was carried over, else "xã Y Tý"."""
    if text.match_key(assignment.commune.name) == text.match_key(commune):
        return f"xã {commune}"
    return f"xã {commune}, nay {assignment.commune}"


def demo_figures(today=None):
    """The headline numbers of the loaded demo data, for the command output."""
    today = today or timezone.localdate()
    assignments = Assignment.objects.filter(decision__is_demo=True)
    visits = FieldVisit.objects.filter(assignment__in=assignments)
    supports = Support.objects.filter(visit__in=visits)
    per_commune = defaultdict(list)
    rows = (
        Assessment.objects.filter(is_demo=True)
        .values("year", "commune")
        .annotate(met=Count("pk", filter=Q(met=True)), of=Count("pk"))
    )
    for row in rows:
        per_commune[row["year"]].append((row["met"], row["of"]))
    return {
        "assignments": assignments.count(),
        "visits": visits.count(),
        "visits_by_status": dict(Counter(visits.values_list("status", flat=True))),
        "supports": supports.count(),
        "support_total_vnd": supports.aggregate(total=Sum("amount_vnd"))["total"] or 0,
        "recommendations_by_status": dict(
            Counter(
                Recommendation.objects.filter(visit__in=visits).values_list("status", flat=True)
            )
        ),
        "average_by_year": {
            year: sum(met for met, _of in counts) / len(counts)
            for year, counts in sorted(per_commune.items())
        },
        "all_met_by_year": {
            year: sum(met == of for met, of in counts)
            for year, counts in sorted(per_commune.items())
        },
        # The criteria of each year's set: 19 up to 2025, 10 from 2026.
        "criteria_by_year": {
            year: max(of for _met, of in counts) for year, counts in sorted(per_commune.items())
        },
        "decisions": list(
            Decision.objects.filter(is_demo=True)
            .order_by("period_start")
            .values_list("number", flat=True)
        ),
        "groups": CommuneGroup.objects.filter(is_demo=True).count(),
        "indicator_results": IndicatorResult.objects.filter(is_demo=True).count(),
        "commune_years_by_status": dict(
            Counter(CommuneYear.objects.filter(is_demo=True).values_list("status", flat=True))
        ),
        "recognitions_by_level": dict(
            Counter(Recognition.objects.filter(is_demo=True).values_list("level", flat=True))
        ),
        # The dashboard's rule (confirmed visits, counted from the start at the earliest).
        "stale_assignments": Assignment.objects.stale(today).filter(decision__is_demo=True).count(),
    }
