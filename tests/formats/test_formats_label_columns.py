"""Each row label knows the label column it starts in: screens pin every label column in place with it
(static/css/tables.css, label-col-N), so it must match the merged layout of the official table."""

import pytest

from reports.formats import available_formats, get_format


def test_section_three_labels_start_in_their_own_columns():
    rows = get_format("2021").table("s3").body_rows()
    columns = [[(lab.label, lab.column) for lab in row.labels] for row in rows]
    assert columns[0] == [("一、本年新收政府信息公开申请数量", 0)]
    assert columns[2] == [("三、本年度办理结果", 0), ("（一）予以公开", 1)]
    assert columns[4] == [("（三）不予公开", 1), ("1.属于国家秘密", 2)]
    assert columns[5] == [("2.其他法律行政法规禁止公开", 2)]


@pytest.mark.parametrize("key", [f"{version}-{variant or ''}" for version, variant in available_formats()])
def test_every_label_column_is_filled_exactly_once_per_row(key):
    """Walking the merged cells like a browser does: every data row has each label column covered once,
    and the label that covers it says so."""
    version, variant = key.split("-")
    fmt = get_format(version, variant or None)
    for table in fmt.tables():
        width = table.row_label_width()
        covered: dict[int, int] = {}  # label column -> rows still covered by a rowspan from above
        for row in table.body_rows():
            taken = {column for column, left in covered.items() if left > 0}
            for label in row.labels:
                span = set(range(label.column, label.column + label.colspan))
                assert not span & taken, (table.key, label.label)
                taken |= span
                if label.rowspan > 1:
                    covered[label.column] = label.rowspan
            assert taken == set(range(width)), (table.key, [lab.label for lab in row.labels])
            covered = {column: left - 1 for column, left in covered.items()}
