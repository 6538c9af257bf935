from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0006_snapshot_revision'),
    ]

    operations = [
        migrations.AddField(
            model_name='verdictdirty',
            name='since',
            field=models.DateField(blank=True, null=True, verbose_name='最早受影响日期'),
        ),
    ]
