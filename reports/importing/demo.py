"""Demo: the published 2020 report of 东花市街道 (the shared seed), imported when ../shared is beside
the project. Idempotent: once imported, a re-run leaves it as it is."""

import structlog
from django.conf import settings

from agencies.models import Body
from reports.models import AnnualReport

SEED_FILE = "000_06ce0ee8d8462116.txt"
BODY_CODE, YEAR, VARIANT = "donghuashi", 2020, "beijing"

# Logged, not printed: seed_demo's output is the table of logins that scripts/demo.sh shows.
log = structlog.get_logger(__name__)


def seed_path():
    return settings.BASE_DIR.parent / "shared" / "seeds" / SEED_FILE


def seed():
    from .services import report_import

    path = seed_path()
    if not path.is_file():
        log.warning("demo_history_skipped", reason=f"未找到 {path}，跳过导入历史报告的演示。")
        return []
    body = Body.objects.filter(code=BODY_CODE).first()
    if body is None:
        log.warning("demo_history_skipped", reason=f"没有代码为“{BODY_CODE}”的单位，跳过导入历史报告的演示。")
        return []
    if AnnualReport.objects.filter(body=body, reporting_year__year=YEAR, imported=True).exists():
        return []
    outcome = report_import(body=body, year=YEAR, text=path.read_text(encoding="utf-8"), variant=VARIANT,
                            source=path.name)
    log.info("demo_history_imported", title=outcome.report.title)
    return []
