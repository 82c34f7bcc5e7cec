"""A format is shown to people by its name, the variant by its Chinese name (issue 10.13)."""

from reports.formats import VARIANT_NAMES, available_formats, get_format


def test_every_format_has_a_name_for_people():
    for version, variant in available_formats():
        fmt = get_format(version, variant)
        assert fmt.name.startswith(f"{version}年格式")
        if variant:
            assert fmt.name == f"{version}年格式（{VARIANT_NAMES[variant]}）"
            assert variant not in fmt.name
        else:
            assert fmt.name == f"{version}年格式"


def test_beijing_is_called_by_its_chinese_name():
    assert get_format("2019", "beijing").name == "2019年格式（北京市）"
