"""The package's own rules: every label typed once, nothing imported but the standard library,
and the browser script carries no rule or wording of its own."""

import ast
import re
import sys
import tokenize
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "reports" / "formats"
RULES_JS = ROOT / "static" / "js" / "rules.js"
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_literals(source: str) -> list[str]:
    """Every string literal (f-strings included) that contains a Chinese character."""
    found = []
    for token in tokenize.generate_tokens(StringIO(source).readline):
        if token.type == tokenize.STRING and CJK.search(token.string):
            found.append(
                ast.literal_eval(token.string)
                if not re.match(r"^[rRbBuU]*[fF]", token.string)
                else token.string
            )
    return found


def duplicated_literals(sources: dict[str, str]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for name, source in sources.items():
        for literal in chinese_literals(source):
            where.setdefault(literal, []).append(name)
    return {literal: names for literal, names in where.items() if len(names) > 1}


def test_duplicate_detector_finds_a_repeated_label():
    sources = {"a.py": 'X = "总计"\nY = ("结果维持", "其他")\n', "b.py": 'Z = "总计"\n'}
    assert duplicated_literals(sources) == {"总计": ["a.py", "b.py"]}


def test_no_chinese_literal_appears_twice_in_the_package():
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.glob("*.py"))}
    assert len(sources) >= 8
    assert sum(len(chinese_literals(s)) for s in sources.values()) > 80  # the labels are really in there
    assert duplicated_literals(sources) == {}


def test_each_label_of_section_four_group_is_written_once():
    """结果维持 … 总计 appear three times in the table but once in the code."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py"))
    for label in ("结果维持", "结果纠正", "其他结果", "尚未审结", "申请人情况", "（六）其他处理"):
        assert text.count(f'"{label}"') == 1, label


def test_package_imports_only_the_standard_library():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names or name == "__future__", (
                    path.name,
                    name,
                )


def test_browser_script_has_no_wording_and_no_eval():
    source = RULES_JS.read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.DOTALL)
    assert not CJK.search(code), "labels and messages must come from format_json"
    for forbidden in ("eval(", "new Function", "import ", "export ", "require(", ".style", "innerHTML"):
        assert forbidden not in code, forbidden
    assert "window.NianbaoRules" in source or "root.NianbaoRules" in source


def test_modules_stay_small():
    for path in [*PACKAGE.glob("*.py"), RULES_JS]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
