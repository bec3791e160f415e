"""Who may see and change what: the one place that decides, for every view,
export and attachment download.

Scope rules:

* office staff (and superusers): everything, read and write;
* working-group members: create and edit visits of their own assignments
  (while a visit is a draft or returned to them); read every other visit
  that is not a draft, and everything else that is not personal data;
* leaders: read their own communes, assignments and their group's visits
  (not drafts); confirm their group's submitted visits;
* readers: read-only, everything but drafts and personal data.

Who may move a visit from which state is the workflow table, transitions.STEPS;
`may()` reads it for a user and a visit.

Out of scope → 404 (never reveal that it exists); in scope but not allowed
to change → 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from . import roles, transitions
from .models import Agency, Assignment, FieldVisit, Leader, Member
from .transitions import Party


def is_office(user):
    return user.is_authenticated and roles.role_of(user) == roles.OFFICE


def _today():
    return timezone.localdate()


def member_assignment_ids(user, on=None):
    """Assignments whose working group the user currently belongs to."""
    on = on or _today()
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_ntm_member_assignments", None)
    if cache is None:
        groups = (
            Member.objects.filter(user=user)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
            .values("group_id")
        )
        cache = set(
            Assignment.objects.filter(working_group_id__in=groups).values_list("pk", flat=True)
        )
        user._ntm_member_assignments = cache
    return cache


def leader_assignment_ids(user):
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_ntm_leader_assignments", None)
    if cache is None:
        cache = set(Assignment.objects.filter(leader__user=user).values_list("pk", flat=True))
        user._ntm_leader_assignments = cache
    return cache


def is_leader_scoped(user):
    """Leaders see only their own communes; every other role sees the whole province."""
    return roles.role_of(user) == roles.LEADER


# --- what a user may see ---------------------------------------------------------


def assignments_visible_to(user, queryset=None):
    queryset = Assignment.objects.all() if queryset is None else queryset
    if is_leader_scoped(user):
        return queryset.filter(pk__in=leader_assignment_ids(user))
    return queryset


def communes_visible_to(user, queryset):
    if is_leader_scoped(user):
        return queryset.filter(assignments__in=leader_assignment_ids(user)).distinct()
    return queryset


def leaders_visible_to(user, queryset=None):
    """Leaders open only their own page; every other role reads every leader's."""
    queryset = Leader.objects.all() if queryset is None else queryset
    if is_leader_scoped(user):
        return queryset.filter(user=user)
    return queryset


def agencies_visible_to(user, queryset=None):
    """Leaders open only their own agency's page."""
    queryset = Agency.objects.all() if queryset is None else queryset
    if is_leader_scoped(user):
        return queryset.filter(pk__in=Leader.objects.filter(user=user).values("agency_id"))
    return queryset


def visits_visible_to(user, queryset=None, *, deleted=False):
    """The visits the user may see. Deleted drafts are left out of every list, figure and
    export; with `deleted=True` (a visit's own page, the office's list filtered on them)
    the office sees them, and the group its own."""
    queryset = FieldVisit.objects.all() if queryset is None else queryset
    if not deleted:
        queryset = queryset.exclude(status=FieldVisit.Status.DELETED)
    if is_office(user):
        return queryset
    not_draft = ~Q(status__in=[FieldVisit.Status.DRAFT, FieldVisit.Status.DELETED])
    role = roles.role_of(user)
    if role == roles.MEMBER:
        own = Q(assignment_id__in=member_assignment_ids(user))
        return queryset.filter(not_draft | own)
    if role == roles.LEADER:
        return queryset.filter(not_draft, assignment_id__in=leader_assignment_ids(user))
    if role == roles.READER:
        return queryset.filter(not_draft)
    return queryset.none()


def may_see_location(user, visit):
    """Where the phone was when the visit was recorded: the office and the group only
    (not the commune's leader of another group, not readers; never in an export)."""
    return is_office(user) or is_party(user, visit, Party.GROUP)


def may_see_contacts(user, assignment):
    """Phone numbers and e-mail addresses are personal data: office, the group, its leader."""
    if assignment is None:
        return is_office(user)
    return (
        is_office(user)
        or assignment.pk in member_assignment_ids(user)
        or assignment.pk in leader_assignment_ids(user)
    )


def may_read_workflow_comments(user, visit):
    """The comments exchanged on a visit's steps (the office's reasons for returning it,
    the group's answer) are between the group, the commune's leader and the office;
    everyone else who may see the visit sees the steps without them."""
    return any(is_party(user, visit, party) for party in Party)


# --- what a user may change ------------------------------------------------------


def may_record_visit_for(user, assignment):
    """Groups record visits of their active assignments; the office of any."""
    if is_office(user):
        return True
    return assignment.ended_on is None and assignment.pk in member_assignment_ids(user)


def is_party(user, visit, party):
    """Whether the user is `party` (transitions.Party) to the visit.

    The office acts as the office only: it is never taken for the group or the
    leader (roles are exclusive, and this spares two queries per page).
    """
    if is_office(user):
        return party == Party.OFFICE
    if party == Party.GROUP:
        return visit.assignment_id in member_assignment_ids(user)
    if party == Party.LEADER:
        return visit.assignment_id in leader_assignment_ids(user)
    return False


def may(user, visit, step):
    """Whether the user may take `step` (a name in transitions.STEPS) on the visit now."""
    return any(
        is_party(user, visit, party) for party in transitions.STEPS[step].parties_from(visit.status)
    )


def takes_part_in(user, visit, step):
    """Whether the user may take `step` on the visit in some state.

    The office oversees every step: a step that is not its own (answering a visit it
    returned) is refused with a message saying whose step it is, not a bare 403.
    """
    return is_office(user) or any(
        is_party(user, visit, party) for party in transitions.STEPS[step].may
    )


def steps_for(user, visit):
    """{step name: whether the user may take it on the visit now}: the page's buttons."""
    return {name: may(user, visit, name) for name in transitions.STEPS}


def may_restore_history(user):
    return is_office(user)


def may_manage_assignments(user):
    return is_office(user)


# --- the one way views fetch a visit -------------------------------------------------


def get_visit_for_user(request, pk, action="view", queryset=None):
    """The visit, if the user may `action` it ("view" or a step of transitions.STEPS,
    e.g. "edit"); 404 out of scope, 403 in scope but not allowed now."""
    visible = visits_visible_to(request.user, queryset, deleted=True)
    try:
        visit = visible.select_related("assignment__commune", "assignment__leader").get(pk=pk)
    except FieldVisit.DoesNotExist:
        raise Http404 from None
    if action != "view" and not may(request.user, visit, action):
        raise PermissionDenied
    return visit
