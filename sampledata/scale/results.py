"""The synthetic criteria results: per commune, the criteria met grow year on year,
the easy ones first (as in the Lào Cai demo), then summarised into CriteriaScore."""

from communes import scores
from communes.models import Assessment
from sampledata.criteria import criteria_order

from .writing import BATCH_SIZE

GAINS = (0, 1, 1, 2, 3)  # criteria gained from one year to the next, drawn


def create_assessments(rng, communes, criteria, years, progress):
    numbers = [c.number for c in criteria]
    plans = []
    for _commune in communes:
        order = criteria_order(rng, numbers)
        counts = [rng.randint(5, 17)]
        for _year in years[1:]:
            counts.append(min(19, counts[-1] + rng.choice(GAINS)))
        plans.append((order, counts))
    for y, year in enumerate(years):
        rows = []
        written = 0
        for commune, (order, counts) in zip(communes, plans, strict=True):
            met = set(order[: counts[y]])
            rows += [
                Assessment(
                    commune_id=commune.pk,
                    criterion_id=c.pk,
                    year=year,
                    met=c.number in met,
                    is_demo=True,
                )
                for c in criteria
            ]
            if len(rows) >= BATCH_SIZE:
                Assessment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                written += len(rows)
                rows = []
        Assessment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        progress.done(f"Đánh giá tiêu chí năm {year}", written + len(rows))
    # bulk_create sends no signals: summarise the new assessments here.
    written = scores.refresh(communes=[commune.pk for commune in communes], years=years)
    progress.done("Kết quả tổng hợp tiêu chí (xã × năm)", written)
