"""Reference data: a province's real administrative units and the national NTM criteria.

Two halves, kept apart so that the map can be rebuilt without touching how the
shipped file is loaded:

* ``build``: the units from the ``vietnamadminunits`` package (the pre-2025
  map, the 2025 map and its old→new converter, plus what the package lacks)
  and the national criteria sets (``manage.py build_reference``);
* ``fixture``: the shipped fixture, fixtures/reference_laocai.json, which is
  ``build``'s output for Lào Cai, loaded as an upsert (``manage.py load_reference``).

Both report what they wrote with a ``tally.Tally``. The facts the rest of the
application relies on (the programme's criteria set, the day of the reform)
are here.
"""

import datetime

LAST_PRE_2025_DAY = datetime.date(2025, 6, 30)
REFORM_DAY = datetime.date(2025, 7, 1)  # the first day of the 2025 map (Map.CURRENT)

# The criteria set of the 2021–2025 programme (Decision 318/QĐ-TTg, 19 criteria).
NTM_SET = "qd318-2021-2025"
# The commune NTM set of 2026–2030 (Decision 51/2025/QĐ-TTg: 10 criteria, 47 indicators).
NTM_SET_2026 = "qd51-2026-2030"
