"""Records that are written once and never changed: the timeline, the admin log, the security log."""


class AppendOnly:
    """Mixin for a model whose rows may be added but never changed or deleted through the ORM."""

    append_only_name = "记录"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self.append_only_name}只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self.append_only_name}只能追加，不能删除。")
