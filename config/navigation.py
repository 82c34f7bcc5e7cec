"""The main navigation: one list, each entry shown only to those whose roles allow it.

Lazy: the entries and their badges are computed only when a template shows them (base.html), so a
fragment (an htmx poll, a partial page) costs nothing; each badge is one COUNT query.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None  # None: every signed-in person
    badge: str | None = None  # dotted path of a function user -> int shown after the label when > 0


NAV_ITEMS = [
    NavItem("工作台", "workspace", None),
    NavItem("年度报告", "reports:list", "reports.list_reports"),
    NavItem("全市", "city:home", "agencies.view_city"),
    NavItem("进度", "district:progress", "agencies.manage_district"),
    NavItem("汇总", "summary:latest", "agencies.manage_district"),
    NavItem("报告年度", "district:years", "agencies.manage_district"),
    NavItem("导入历史报告", "importing:upload", "agencies.manage_district"),
    NavItem("单位与人员", "agencies:body_list", "agencies.manage_district"),
    NavItem("安全日志", "agencies:security_log", "agencies.manage_district"),
    NavItem("待办", "review:inbox", "agencies.review_reports", badge="reports.review.selectors.inbox_count"),
    NavItem("通知", "review:notifications", None, badge="reports.review.notifications.unread_count"),
]


def badge_label(label: str, count: int) -> str:
    return f"{label}（{count}）" if count else label


def nav_id(url_name: str) -> str:
    """The entry's element id, by which a fragment can update its badge (hx-swap-oob)."""
    return "nav-" + url_name.replace(":", "-").replace("_", "-")


def nav_badge(url_name: str, user) -> dict:
    """One entry's id and label with its badge counted again, for a fragment that changed the count."""
    item = next(i for i in NAV_ITEMS if i.url_name == url_name)
    count = import_string(item.badge)(user) if item.badge else 0
    return {"id": nav_id(url_name), "label": badge_label(item.label, count), "count": count}


def is_fragment(request) -> bool:
    """An htmx request or a status poll: answered with a piece of a page, never the navigation."""
    return request.headers.get("HX-Request") == "true" or request.headers.get("X-Nianbao-Poll") == "1"


def nav_items(request) -> list[dict]:
    user = request.user
    items = []
    for item in NAV_ITEMS:
        if item.perm is None or user.has_perm(item.perm):
            url = reverse(item.url_name)
            count = import_string(item.badge)(user) if item.badge else 0
            items.append({"label": badge_label(item.label, count), "url": url, "active": False,
                          "id": nav_id(item.url_name)})
    # The page belongs to the entry with the longest matching prefix (/district/years/ over /district/).
    current = max((i for i in items if request.path.startswith(i["url"])), key=lambda i: len(i["url"]), default=None)
    if current:
        current["active"] = True
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_fragment(request):
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: nav_items(request))}
