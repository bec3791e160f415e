"""The communes list (/xa/) and a commune's dossier (/xa/<pk>/)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.generic import DetailView

from assignments import access
from assignments.models import FieldVisit
from assignments.views.assignments import OnMapListMixin
from communes.models import Assessment, Commune, Map
from core.listing import FilteredTableView

from .. import dossier_results, queries
from ..dossier import commune_dossier, dossier_commune_queryset
from ..filters import CommuneFilter
from ..tables import CommuneTable, CurrentMapCommuneTable
from ..year_set import year_set


class CommuneListView(OnMapListMixin, FilteredTableView):
    """The units of a map with their figures: the old map's (by old province and district)
    or today's, each with the records of the old units merged into it."""

    template_name = "reports/commune_list.html"
    filterset_class = CommuneFilter
    tables = {Map.OLD: CommuneTable, Map.CURRENT: CurrentMapCommuneTable}
    table_pagination = {"per_page": 50}  # a whole district on one page
    load_page_by_key = True  # figures (subqueries) for the page's rows only
    page_title = gettext_lazy("Danh sách xã")
    breadcrumbs = ((pgettext_lazy("menu", "Xã"), ""),)

    @cached_property
    def years(self):
        return queries.assessment_years()

    @cached_property
    def default_year(self):
        return self.years[-1] if self.years else None

    @cached_property
    def year(self):
        """The year whose criteria count: ?year= if it has results, else the latest."""
        requested = self.request.GET.get("year", "")
        if requested.isdecimal() and int(requested) in self.years:  # "²".isdigit(), not int()
            return int(requested)
        return self.default_year

    @cached_property
    def year_set(self):
        """The year's period, set (its criteria count) and levels."""
        return year_set(self.year)

    def get_queryset(self):
        # Every unit of the map, so that ?kind= can show phường and thị trấn too; the
        # filter keeps the programme's units when no kind is asked for.
        units = access.communes_visible_to(self.request.user, Commune.objects.on_map(self.map))
        return queries.communes_for_list(self.year, units=units, map=self.map, ys=self.year_set)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Always bound, so the default kind applies without any parameter.
        kwargs["data"] = self.request.GET
        kwargs["years"] = self.years
        kwargs["levels"] = self.year_set.level_choices()
        return kwargs

    def get_table_kwargs(self):
        return {"year": self.year, "criteria_total": self.year_set.total}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        sort = self.request.GET.get("sort")
        if sort and not table.order_by:
            messages.info(
                self.request,
                _("Không sắp xếp được theo “%s”; danh sách xếp theo tên xã.") % sort,
            )
        if self.map == Map.CURRENT:
            # The old districts of the rows drawn: the page's, or every row for the export
            # (their records, read once: the rows drawn next reuse them).
            exporting = self.request.GET.get("export") == "xlsx"
            table.load_origins((table.rows if exporting else table.paginated_rows).data)
        return table

    def filter_active(self):
        """Defaults chosen in the form (the map, kind xã, the latest year) are not a filter."""
        defaults = {"year": str(self.default_year)}
        if self.map == Map.OLD:
            defaults["kind"] = Commune.Kind.RURAL
        data = self.filterset.data
        return any(
            data.get(name) not in (None, "", defaults.get(name))
            for name in self.filterset.form.fields
            if name != "map"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["year_set"] = self.year_set
        context["empty_hint"] = _(
            "Chưa có danh sách xã. Hãy nạp dữ liệu tham chiếu: python manage.py load_reference"
        )
        return context


class CommuneDetailView(LoginRequiredMixin, DetailView):
    template_name = "reports/commune_detail.html"
    context_object_name = "commune"

    def get_queryset(self):
        # A leader opening another commune's dossier: 404, as if it did not exist.
        return access.communes_visible_to(self.request.user, dossier_commune_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        commune = self.object
        dossier = commune_dossier(commune)
        if not access.is_office(user):
            # The timeline shows only the visits the user may open (drafts stay with their
            # group), the old units' visits rolled up here included.
            visible = set(
                access.visits_visible_to(
                    user, FieldVisit.objects.filter(assignment__commune__in=dossier.unit_ids)
                ).values_list("pk", flat=True)
            )
            dossier.visits = [visit for visit in dossier.visits if visit.pk in visible]
        assignments = dossier.current_assignments + dossier.previous_assignments
        title = f"{commune.get_kind_display()} {commune.name}"
        results = dossier_results.commune_results(commune, timezone.localdate())
        context.update(
            dossier=dossier,
            # 2026+: a section per period with its sets' grids; the yearly summary per set.
            results=results,
            # The commune group box (this year's period) and the results pages: the office's.
            period=results.period,
            commune_group=results.commune_group,
            can_edit=access.is_office(user),
            # Phones and e-mails are personal data: only for these assignments' office,
            # group and leader (omitted from the page for everyone else).
            contacts_for={a.pk for a in assignments if access.may_see_contacts(user, a)},
            history_links=self.history_links(dossier, assignments),
            page_title=title,
            breadcrumbs=[(pgettext("menu", "Xã"), reverse("reports:commune_list")), (title, "")],
        )
        return context

    def history_links(self, dossier, assignments):
        """Links to the change history of the dossier's assignments, recognitions and
        criteria assessments (by year), in one query."""
        by_year = {}
        assessments = (
            Assessment.objects.programme()
            .filter(commune=dossier.commune)
            .order_by("-year", "criterion__number")
            .values_list("pk", "year", "criterion__number")
        )
        for pk, year, number in assessments:
            by_year.setdefault(year, []).append(
                (number, reverse("assignments:history", args=["assessment", pk]))
            )
        return {
            "assignments": [
                (a, reverse("assignments:history", args=["assignment", a.pk])) for a in assignments
            ],
            "recognitions": [
                (r, reverse("assignments:history", args=["recognition", r.pk]))
                for r in dossier.recognitions
            ],
            "assessment_years": list(by_year.items()),
        }
