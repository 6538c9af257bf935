"""身份证号 encrypted at rest: the clear column becomes an SM4-GCM blob, its key id, a keyed hash and the masked form.

Existing numbers are sealed in batches of 5,000 (memory stays flat for a province); the migration is one
transaction on PostgreSQL, so a kill leaves the clear column as it was and a re-run starts over. A fresh
installation's key file is made here (``core.crypto.create_key_file_if_missing``) before anything is sealed.
Reversible: going back decrypts into the clear column again.
"""

from django.db import migrations, models

BATCH = 5000


def seal_existing(apps, schema_editor):
    from ganxun.core import crypto

    Cadre = apps.get_model("cadres", "Cadre")
    db = schema_editor.connection.alias
    rows = Cadre.objects.using(db).filter(id_hash__isnull=True).order_by("pk")
    crypto.create_key_file_if_missing()
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only("pk", "id_number")[:BATCH])
        if not batch:
            break
        for cadre in batch:
            for column, value in crypto.sealed(cadre.id_number).items():
                setattr(cadre, column, value)
        Cadre.objects.using(db).bulk_update(batch, list(crypto.ID_COLUMNS), batch_size=1000)
        last = batch[-1].pk


def open_sealed(apps, schema_editor):
    from ganxun.core import crypto

    Cadre = apps.get_model("cadres", "Cadre")
    db = schema_editor.connection.alias
    last = 0
    while True:
        batch = list(Cadre.objects.using(db).filter(pk__gt=last).order_by("pk").only("pk", "id_cipher")[:BATCH])
        if not batch:
            break
        for cadre in batch:
            cadre.id_number = crypto.decrypt(cadre.id_cipher)
        Cadre.objects.using(db).bulk_update(batch, ["id_number"], batch_size=1000)
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0001_initial"),
    ]

    operations = [
        migrations.AddField("cadre", "id_cipher", models.BinaryField(
            editable=False, max_length=64, null=True, verbose_name="身份证号（密文）")),
        migrations.AddField("cadre", "id_key", models.PositiveSmallIntegerField(
            editable=False, null=True, verbose_name="身份证号密钥版本")),
        migrations.AddField("cadre", "id_hash", models.CharField(
            editable=False, max_length=43, null=True, verbose_name="身份证号（检索摘要）")),
        migrations.AddField("cadre", "id_masked", models.CharField(
            editable=False, max_length=18, default="", verbose_name="身份证号（脱敏）")),
        migrations.AlterField("cadre", "id_number", models.CharField(
            max_length=18, null=True, unique=True, verbose_name="身份证号")),
        migrations.RunPython(seal_existing, open_sealed, elidable=False),
        migrations.RemoveField("cadre", "id_number"),
        migrations.AlterField("cadre", "id_cipher", models.BinaryField(
            editable=False, max_length=64, verbose_name="身份证号（密文）")),
        migrations.AlterField("cadre", "id_key", models.PositiveSmallIntegerField(
            db_index=True, editable=False, verbose_name="身份证号密钥版本")),
        migrations.AlterField("cadre", "id_hash", models.CharField(
            editable=False, max_length=43, unique=True, verbose_name="身份证号（检索摘要）")),
        migrations.AlterField("cadre", "id_masked", models.CharField(
            editable=False, max_length=18, verbose_name="身份证号（脱敏）")),
    ]
