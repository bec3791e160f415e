"""Recording a visit (create, edit) and its attachments."""

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core import formats

from .. import access
from ..forms.files import AttachmentForm
from ..forms.rows import FollowUpForm, RecommendationFormSet, SupportFormSet
from ..forms.visit import VisitForm
from ..models import FieldVisit, Recommendation, Support
from ..services import visits
from ..services.errors import WorkflowError
from ..transitions import STEPS
from . import queue_answers
from .queue_auth import from_queue, queue_login_required

SAVED_DRAFTS = "visit_form_saved_drafts"  # session key: local copies the server now has
DRAFT_TOKEN = re.compile(r"[A-Za-z0-9-]{1,64}")


def open_recommendations(user, assignment, visit=None):
    """Unresolved recommendations of the commune's earlier visits, to follow up on this one."""
    visits = (
        access.visits_visible_to(user)
        .filter(assignment__commune_id=assignment.commune_id)
        .exclude(status__in=[FieldVisit.Status.DRAFT, FieldVisit.Status.DELETED])
    )
    if visit is not None:
        visits = visits.exclude(pk=visit.pk).filter(visited_on__lte=visit.visited_on)
    return (
        Recommendation.objects.filter(visit__in=visits)
        .exclude(status=Recommendation.Status.RESOLVED)
        .select_related("visit")
        .order_by("visit__visited_on", "pk")
    )


def draft_token_of(data):
    """The draft token posted with the form, when well formed (VisitForm.clean_draft_token)."""
    token = data.get("draft_token", "")
    return token if DRAFT_TOKEN.fullmatch(token) else ""


def pop_saved_drafts(request):
    """Tokens of the browser's local copies that have since been saved (see visit_form.js)."""
    return request.session.pop(SAVED_DRAFTS, [])


class VisitFormView(LoginRequiredMixin, View):
    """The phone-first visit form; subclasses decide which visit and who may."""

    template_name = "assignments/visit_form.html"
    visit = None

    def get_objects(self):
        """Set self.assignment and self.visit (None for a new one), or raise 404/403."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.get_objects()
        return self.render(self.build_forms())

    def dispatch(self, request, *args, **kwargs):
        # The phone's send queue gets JSON, never a page or a redirect (queue_answers).
        self.queue = from_queue(request)
        if not self.queue:
            return super().dispatch(request, *args, **kwargs)
        try:
            return super().dispatch(request, *args, **kwargs)
        except (PermissionDenied, Http404) as exc:
            return queue_answers.for_exception(exc)

    def post(self, request, *args, **kwargs):
        self.get_objects()
        token = draft_token_of(request.POST)
        if self.visit is None:
            if self.queue and not token:
                return queue_answers.field_error("draft_token", _("Thiếu mã bản nháp."))
            # A retry (Back then save, a double tap, the queue sending again) finds the
            # visit already saved, before anything else is checked or asked.
            try:
                existing = visits.saved_with_token(token, request.user)
            except visits.TokenTaken as exc:
                return self.token_taken(exc)
            if existing is not None:
                return self.already_saved(existing)
        forms = self.build_forms(request.POST, request.FILES)
        if self.visit is not None and not access.may(request.user, self.visit, "edit"):
            return self.render_locked(forms, self.visit)
        if not self.all_valid(forms):
            return self.invalid(forms)
        if self.visit is None and not forms["form"].cleaned_data["same_day_ok"]:
            day = forms["form"].cleaned_data["visited_on"]
            others = list(access.visits_visible_to(request.user).on_same_day(self.assignment, day))
            # The visit of that day may be this very post's, saved by a concurrent retry.
            if mine := [v for v in others if token and v.client_token == token]:
                return self.already_saved(mine[0])
            if others:
                return self.ask_same_day(forms, others, day)
        try:
            files = forms["files"].decoded()
        except ValidationError:
            return self.invalid(forms)
        parts = {
            "form": forms["form"],
            "supports": forms["supports"],
            "recommendations": forms["recommendations"],
            "follow_ups": forms["followups"],
            "files": files,
            "file_kind": forms["files"].cleaned_data["kind"],
            "remove_files": forms["files"].cleaned_data["remove"],
            "by": request.user,
        }
        try:
            if self.visit is None:
                visit, created = visits.create_visit_once(token=token or None, **parts)
            else:
                visit, created = visits.save_visit(**parts), False
        except visits.VisitChanged as exc:
            if not access.may(request.user, exc.visit, "edit"):
                return self.render_locked(forms, exc.visit)
            return self.changed(forms, exc)
        except visits.TokenTaken as exc:
            return self.token_taken(exc)
        except WorkflowError as exc:
            # The unit no longer exists on the visit's day (services.visits.unit_refusal).
            forms["form"].add_error(None, str(exc))
            return self.invalid(forms)
        if self.visit is None and not created:
            return self.already_saved(visit)  # a post with the same token saved it meanwhile
        if token:
            request.session[SAVED_DRAFTS] = [*request.session.get(SAVED_DRAFTS, []), token][-20:]
        if self.queue:
            return queue_answers.visit_saved(visit, created)
        messages.success(request, self.success_message(visit))
        return redirect("assignments:visit_detail", pk=visit.pk)

    def invalid(self, forms):
        summary = self.error_summary(forms)
        if self.queue:
            return queue_answers.form_errors(forms, summary)
        messages.error(self.request, summary)
        return self.render(forms)

    def already_saved(self, visit):
        """The visit this form's draft token already created: nothing new is written."""
        token = draft_token_of(self.request.POST)
        saved = self.request.session.get(SAVED_DRAFTS, [])
        self.request.session[SAVED_DRAFTS] = [*saved, token][-20:]
        if self.queue:
            return queue_answers.visit_saved(visit, created=False)
        text = _("Chuyến công tác này đã được lưu trước đó.")
        if lost := self.lost_files():
            text += " " + _(
                "Các tệp chọn lần này chưa được đính kèm: %(files)s; hãy thêm ở trang sửa."
            ) % {"files": lost}
        messages.info(self.request, text)
        return redirect("assignments:visit_detail", pk=visit.pk)

    def token_taken(self, exc):
        if self.queue:
            return queue_answers.field_error("draft_token", exc.message())
        messages.error(self.request, exc.message())
        # A fresh token for the next save (static/js/visit_form.js makes one when empty).
        data = self.request.POST.copy()
        data["draft_token"] = ""
        return self.render(self.build_forms(data))

    def ask_same_day(self, forms, others, day):
        """ "Đã có chuyến công tác ngày … – vẫn lưu?": nothing saved until confirmed."""
        message = queue_answers.same_day_message(day)
        if self.queue:
            return queue_answers.same_day(others, day, message)
        if lost := self.lost_files():
            messages.warning(
                self.request,
                _("Các tệp đã chọn chưa được gửi lên; hãy chọn lại: %(files)s.") % {"files": lost},
            )
        return self.render(forms, same_day={"message": message, "visits": others})

    def changed(self, forms, exc):
        """Someone saved the visit since the form was loaded: nothing written."""
        if self.queue:
            return self.queue_conflict(exc.visit, exc.queue_message(), locked=False)
        messages.error(self.request, exc.message())
        # Carry the current version so that saving again, knowingly, is possible.
        data = self.request.POST.copy()
        data["version"] = str(exc.visit.version)
        forms["form"].data = data
        return self.render(forms, changed=exc.visit)

    def queue_conflict(self, current, message, locked):
        self.visit = current
        values = queue_answers.current_values(self.build_forms())
        return queue_answers.conflict(current, message, values, locked)

    def lost_files(self):
        return ", ".join(f"«{f.name}»" for f in self.request.FILES.getlist("files"))

    def build_forms(self, data=None, files=None):
        visit = self.visit or FieldVisit(assignment=self.assignment)
        followups = [
            FollowUpForm(data, recommendation=rec)
            for rec in open_recommendations(self.request.user, self.assignment, self.visit)
        ]
        initial = {}
        if self.visit is None:
            # Whoever records the visit most likely went: tick them already.
            initial["participants"] = (
                visit.assignment.working_group.members.filter(user=self.request.user)
                if visit.assignment.working_group_id
                else []
            )
        return {
            "form": VisitForm(data, instance=visit, assignment=self.assignment, initial=initial),
            "supports": SupportFormSet(
                data,
                instance=visit,
                prefix="supports",
                queryset=Support.objects.prefetch_related("criteria").order_by("pk"),
            ),
            "recommendations": RecommendationFormSet(
                data,
                instance=visit,
                prefix="recommendations",
                queryset=Recommendation.objects.order_by("pk"),
            ),
            "followups": followups,
            "files": AttachmentForm(data, files, visit=self.visit, user=self.request.user),
        }

    @staticmethod
    def all_valid(forms):
        # Validate every form (not stopping at the first) so every message shows at once.
        results = [
            forms["form"].is_valid(),
            forms["supports"].is_valid(),
            forms["recommendations"].is_valid(),
            forms["files"].is_valid(),
            *(f.is_valid() for f in forms["followups"]),
        ]
        return all(results)

    def error_summary(self, forms):
        lost_files = [f.name for f in self.request.FILES.getlist("files")]
        text = _("Chưa lưu gì: hãy sửa những chỗ được đánh dấu bên dưới.")
        if lost_files and not forms["files"].errors:
            text += " " + _("Các tệp đã chọn chưa được gửi lên; hãy chọn lại: %(files)s.") % {
                "files": ", ".join(f"«{name}»" for name in lost_files)
            }
        return text

    def render_locked(self, forms, current):
        """What was typed, shown again with why it cannot be saved: the visit has left
        the states in which this user may edit it (submitted, confirmed meanwhile)."""
        if self.queue:
            # The phone keeps its copy; the form below the HTML message does not exist there.
            text = locked_reason(current) + " " + _("Bản của bạn vẫn giữ trên máy này.")
            return self.queue_conflict(current, text, locked=True)
        text = locked_message(current)
        lost_files = [f.name for f in self.request.FILES.getlist("files")]
        if lost_files:
            text += " " + _("Các tệp đã chọn cũng chưa được gửi lên: %(files)s.") % {
                "files": ", ".join(f"«{name}»" for name in lost_files)
            }
        return self.render(forms, locked=current, locked_reason=text)

    def success_message(self, visit):
        return _("Đã lưu chuyến công tác ngày %(date)s.") % {"date": formats.day(visit.visited_on)}

    def render(self, forms, changed=None, locked=None, locked_reason="", same_day=None):
        assignment = self.assignment
        form = forms["form"]
        draft_key = f"edit-{self.visit.pk}" if self.visit else f"new-{assignment.pk}"
        context = {
            **forms,
            "assignment": assignment,
            "visit": self.visit,
            "changed": changed,
            "same_day": same_day,
            "locked": locked,
            "locked_reason": locked_reason,
            "page_title": self.page_title(),
            "breadcrumbs": self.breadcrumbs(),
            "support_forms": [*forms["supports"].forms, forms["supports"].empty_form],
            "recommendation_forms": [
                *forms["recommendations"].forms,
                forms["recommendations"].empty_form,
            ],
            "existing_files": list(self.visit.attachments.order_by("pk")) if self.visit else [],
            "draft_key": draft_key,
            "saved_drafts": pop_saved_drafts(self.request),
            "bound": form.is_bound,
            "today": timezone.localdate(),
            "cancel_url": (
                reverse("assignments:visit_detail", args=[self.visit.pk])
                if self.visit
                else reverse("assignments:my_work")
            ),
        }
        return render(self.request, self.template_name, context)


class VisitCreateView(VisitFormView):
    def get_objects(self):
        visible = access.assignments_visible_to(self.request.user)
        self.assignment = get_object_or_404(
            visible.select_related("commune__district", "leader", "working_group"),
            pk=self.kwargs["assignment_pk"],
        )
        if not access.may_record_visit_for(self.request.user, self.assignment):
            raise PermissionDenied

    def page_title(self):
        return _("Ghi chuyến công tác xã %(commune)s") % {"commune": self.assignment.commune.name}

    def breadcrumbs(self):
        return [(_("Việc của tôi"), reverse("assignments:my_work")), (self.page_title(), None)]

    def success_message(self, visit):
        return _(
            "Đã lưu bản nháp chuyến công tác ngày %(date)s. Xem lại rồi bấm gửi văn phòng "
            "điều phối khi đã đủ."
        ) % {"date": formats.day(visit.visited_on)}


class VisitEditView(VisitFormView):
    def get_objects(self):
        # The form is opened only while the user may edit the visit; a save that arrives
        # after the visit moved on (submitted, confirmed) gets its typing back and why
        # (post() → render_locked), not a bare 403.
        posted = self.request.method == "POST"
        self.visit = access.get_visit_for_user(
            self.request,
            self.kwargs["pk"],
            "view" if posted else "edit",
            FieldVisit.objects.select_related(
                "assignment__commune__district", "assignment__working_group", "updated_by"
            ),
        )
        if posted and not access.takes_part_in(self.request.user, self.visit, "edit"):
            raise PermissionDenied
        self.assignment = self.visit.assignment

    def page_title(self):
        return _("Sửa chuyến công tác xã %(commune)s ngày %(date)s") % {
            "commune": self.assignment.commune.name,
            "date": formats.day(self.visit.visited_on),
        }

    def breadcrumbs(self):
        return [
            (_("Chuyến công tác"), reverse("assignments:visit_list")),
            (
                f"{self.assignment.commune.name} – {formats.day(self.visit.visited_on)}",
                reverse("assignments:visit_detail", args=[self.visit.pk]),
            ),
            (_("Sửa"), None),
        ]


def locked_message(visit):
    """Why the visit can no longer be edited, for the HTML form that shows the text again."""
    return (
        locked_reason(visit)
        + " "
        + _("Chưa có gì được lưu. Nội dung bạn gõ vẫn còn dưới đây: hãy sao chép những gì cần giữ.")
    )


def locked_reason(visit):
    """Why the visit can no longer be edited: who moved it to its state, and when."""
    event = visit.events.select_related("actor").order_by("-created_at", "-pk").first()
    steps = {step.event: step for step in STEPS.values() if step.event}
    step = steps.get(event.action) if event else None
    facts = {"status": visit.get_status_display()}
    if step is not None and step.target == visit.status:
        text = _(
            "Không lưu được: chuyến công tác này đã được %(who)s %(verb)s lúc %(when)s "
            "(trạng thái: “%(status)s”), nên không còn sửa được nữa."
        )
        facts.update(who=formats.display_name(event.actor), verb=step.verb)
        facts["when"] = formats.moment(event.created_at)
    else:
        text = _(
            "Không lưu được: chuyến công tác này đang ở trạng thái “%(status)s” (%(who)s thay "
            "đổi lúc %(when)s), nên không còn sửa được nữa."
        )
        facts.update(who=formats.display_name(visit.updated_by))
        facts["when"] = formats.moment(visit.updated_at)
    return text % facts


visit_create = queue_login_required(VisitCreateView.as_view())
visit_edit = queue_login_required(VisitEditView.as_view())
