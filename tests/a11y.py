"""axe-core in the browser: the accessibility check shared by the browser tests.

axe-core is vendored at tests/vendor/axe-core (see its README); it is injected into the page under
test and never served to visitors."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 AA and best-practice violations on the page as it is now (id, impact, first nodes)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""", WCAG_TAGS)



def repeated_ids(page) -> dict[str, int]:
    """The ids that several elements of the page as it is now (its scripts and htmx panels drawn) carry,
    with how many; and, as "action on <tag>", the elements other than a <form> that carry `action`."""
    return page.evaluate("""() => {
        const found = {};
        document.querySelectorAll('[id]').forEach(e => { found[e.id] = (found[e.id] || 0) + 1; });
        Object.keys(found).forEach(id => { if (found[id] < 2) delete found[id]; });
        document.querySelectorAll('[action]:not(form)').forEach(e => {
            const key = 'action on <' + e.tagName.toLowerCase() + '>';
            found[key] = (found[key] || 0) + 1; });
        return found;
    }""")
