# One image for web, worker and beat. Debian bookworm, as on the development machines.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
# CJK fonts for the PDF (Hanazono for the rare characters of CJK Extension B), and HarfBuzz's
# subsetter (without it WeasyPrint subsets CJK fonts ~20x slower).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-arphic-ukai fonts-lxgw-wenkai fonts-hanazono \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
 && rm -rf /var/lib/apt/lists/* && fc-cache -f

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
# Every dependency at its pinned version and hash (requirements/base.txt, from `make lock`).
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY config config
COPY agencies agencies
COPY reports reports
COPY portal portal
COPY api api
COPY templates templates
COPY static static
COPY locale locale
COPY manage.py ./
RUN pip install --no-cache-dir --no-deps . \
 && DJANGO_SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.db DJANGO_ALLOWED_HOSTS=build REDIS_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 nianbao && mkdir -p /app/media && chown nianbao /app/media
USER nianbao
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
