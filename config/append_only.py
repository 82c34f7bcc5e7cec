"""Records that are written once and never changed: the timeline, the admin log, the security log.

Two layers: this mixin refuses `save()` of an existing row and `delete()` of an instance with a
clear message; PostgreSQL itself refuses every UPDATE and DELETE of those tables (a trigger
declared in each model's Meta with django-pgtrigger), so a queryset update, raw SQL or a cascade
cannot rewrite the record either. Foreign keys to these rows' subjects are PROTECT, never
CASCADE or SET_NULL (both would be a hidden DELETE or UPDATE). The SQLite demo has the mixin only.
"""


class AppendOnly:
    """Mixin for a model whose rows may be added but never changed or deleted through the ORM."""

    append_only_name = "记录"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self.append_only_name}只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self.append_only_name}只能追加，不能删除。")
