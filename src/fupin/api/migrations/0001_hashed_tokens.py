import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("prefix", models.CharField(max_length=8, verbose_name="令牌前缀")),
                ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="创建时间")),
                ("expires_at", models.DateTimeField(verbose_name="到期时间")),
                ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="最近使用")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="api_token",
                                              to=settings.AUTH_USER_MODEL)),
            ],
            options={"verbose_name": "接口令牌"},
        ),
    ]
