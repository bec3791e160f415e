"""A decision of its own with assignments on old units, for the carry-over's tests
(tests/assignments/test_reform*.py): Bản Phố and Na Hối both went into Xã Bắc Hà on
01/07/2025, Y Tý went alone into the new Xã Y Tý."""

from dataclasses import dataclass

from assignments.models import Assignment
from communes.models import Commune, Era
from tests.factories import make_assignment, make_decision, make_group, make_leader


def unit(code, era=Era.PRE_2025):
    return Commune.objects.get(code=code, era=era)


BAN_PHO, NA_HOI, Y_TY, BAC_HA = "02866", "02875", "02701", "02839"


@dataclass
class Case:
    decision: object
    ban_pho: Assignment
    na_hoi: Assignment
    y_ty: Assignment

    @property
    def assignments(self):
        return [self.ban_pho, self.na_hoi, self.y_ty]

    def fresh(self):
        return {a.pk: Assignment.objects.get(pk=a.pk) for a in self.assignments}


def make_case():
    decision = make_decision(number="777/QĐ-UBND")

    def on(code, name):
        leader = make_leader(full_name=name)
        group = make_group(agency=leader.agency, members=2, name=f"Tổ giúp xã {code}")
        return make_assignment(
            decision=decision, leader=leader, commune=unit(code), working_group=group
        )

    return Case(
        decision,
        on(BAN_PHO, "Lò Văn Phố"),
        on(NA_HOI, "Vàng Thị Hối"),
        on(Y_TY, "Sùng A Tý"),
    )
