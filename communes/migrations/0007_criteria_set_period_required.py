import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("communes", "0006_criteria_sets_into_periods")]

    operations = [
        migrations.AlterField(
            model_name="criteriaset",
            name="period",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="criteria_sets",
                to="communes.period",
                verbose_name="giai đoạn",
            ),
        ),
    ]
