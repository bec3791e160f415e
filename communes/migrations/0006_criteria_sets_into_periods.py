"""The criteria sets already loaded belong to the 2021–2025 period."""

from django.db import migrations


# The 2021–2025 period, as the reference fixture defines it: the sets already loaded
# belong to it (load_reference then adds 2026–2030 and keeps this row up to date).
PERIOD_2021 = {
    "code": "2021-2025",
    "name": "Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021–2025",
    "first_year": 2021,
    "last_year": 2025,
    "legal_basis": "Quyết định 318/QĐ-TTg ngày 08/03/2022 (bộ tiêu chí)",
    "levels": ["ntm", "nang_cao", "kieu_mau"],
}


def sets_into_periods(apps, schema_editor):
    CriteriaSet = apps.get_model("communes", "CriteriaSet")
    Period = apps.get_model("communes", "Period")
    if not CriteriaSet.objects.exists():
        return
    period, _created = Period.objects.get_or_create(code=PERIOD_2021["code"], defaults=PERIOD_2021)
    for criteria_set in CriteriaSet.objects.filter(period__isnull=True):
        if not (period.first_year <= criteria_set.first_year <= period.last_year):
            period, _created = Period.objects.get_or_create(
                code=f"{criteria_set.first_year}-{criteria_set.last_year}",
                defaults={
                    "name": criteria_set.name,
                    "first_year": criteria_set.first_year,
                    "last_year": criteria_set.last_year,
                    "levels": [criteria_set.level],
                },
            )
        criteria_set.period = period
        criteria_set.save(update_fields=["period"])


class Migration(migrations.Migration):
    dependencies = [("communes", "0005_programme_periods")]

    operations = [migrations.RunPython(sets_into_periods, migrations.RunPython.noop)]
