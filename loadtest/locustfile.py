"""Locust load of NTM Portal: office staff browsing and exporting, members logging visits.

Run it through scripts/loadtest.sh (`make loadtest`), which starts gunicorn as in
production, runs this file headless and writes the report; by hand, from the
project's root: `PYTHONPATH=. .venv/bin/locust -f loadtest/locustfile.py`.

The mix, for 30 users at the busiest time (the end of a quarter, when the
office compiles its report while the working groups enter their visits):

* 18 (60 %) OfficeBrowser: office staff and readers read dashboards, filtered
  lists and dossiers; most people who open the portal only read.
* 6 (20 %) ExportingOffice: office staff download the reports of the reports
  page (every report of the registry, reports/exporters.py) and the lists in
  Excel for the report.
* 5 (17 %) WorkingGroupMember: members of the Bản Vược and Y Tý groups record
  visits with support items, a recommendation and a 1 MB photo.
* 1 ImportingOffice: the office imports a district's criteria matrix (rare,
  but the fault test needs an import in flight).

Locust shares the users out by these weights (at least one of each class when
there are as many users as classes). Every request is named by its kind
("dashboard", "export matrix") so that the report groups them; names
starting with "export " are exports, the others pages.

Environment (set by the script): LOAD_RUN_ID marks this run's visits and
imports; LOAD_DIR receives requests.csv (one row per request: start, end, name,
status, ok, and for a 5xx whether it was the friendly error page), visits.csv
and imports.csv (what the users wrote, for loadtest/check.py).
"""

import time

from locust import events

from loadtest import client
from loadtest.readers import ExportingOffice, OfficeBrowser
from loadtest.writers import ImportingOffice, WorkingGroupMember

__all__ = ["ExportingOffice", "ImportingOffice", "OfficeBrowser", "WorkingGroupMember"]


@events.init.add_listener
def _open_logs(**kwargs):
    client.open_logs()


@events.test_start.add_listener
def _prepare(environment, **kwargs):
    client.discover(environment.host)
    client.photo()  # made once, before the first member needs it


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, start_time=None, **kwargs):
    start = start_time or (time.time() - response_time / 1000)
    status = getattr(response, "status_code", 0) or 0
    friendly = ""
    if status >= 500:
        friendly = "1" if client.ERROR_PAGE_TEXT in (response.text or "") else "0"
    error = "" if exception is None else str(exception).replace("\n", " ")[:160]
    end = start + response_time / 1000
    group = client.kind_group(name)
    ok = int(exception is None)
    row = [f"{start:.3f}", f"{end:.3f}", group, name, request_type, status, ok, friendly, error]
    client.log("requests.csv", row)


@events.quit.add_listener
def _close_logs(**kwargs):
    client.close_logs()
