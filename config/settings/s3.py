"""The shared file store, from the environment: an S3-compatible bucket, or the local file system.

Production runs several web and worker machines; a PDF rendered by a worker on one machine is
downloaded through the web process of another, and an upload staged by one web process is read by
any worker. Every stored file therefore goes through Django's storage API (STORAGES["default"]),
which is an S3-compatible bucket (MinIO, 阿里云 OSS, 腾讯云 COS, AWS S3) when NIANBAO_S3_BUCKET is set:

    NIANBAO_S3_BUCKET            the bucket (required)
    AWS_ACCESS_KEY_ID            the access key (required)
    AWS_SECRET_ACCESS_KEY        its secret (required)
    NIANBAO_S3_ENDPOINT_URL      the server, e.g. http://minio:9000 (empty for AWS itself)
    NIANBAO_S3_REGION            e.g. us-east-1 (optional)
    NIANBAO_S3_PREFIX            the folder inside the bucket (default: nianbao)
    NIANBAO_S3_ADDRESSING_STYLE  path or virtual (default: path when an endpoint is given)

Without any of them: the file system under MEDIA_ROOT (one machine: `make demo`, development).
Some of them without the others is a mistake that would lose files between machines: `s3_problems`
names what is missing, and production refuses to start (config/settings/production.py).
"""

from collections.abc import Mapping

REQUIRED = ("NIANBAO_S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
OPTIONAL = ("NIANBAO_S3_ENDPOINT_URL", "NIANBAO_S3_REGION", "NIANBAO_S3_PREFIX", "NIANBAO_S3_ADDRESSING_STYLE")
FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def s3_problems(environ: Mapping[str, str]) -> list[str]:
    """What is missing when S3 is configured partially; empty when complete or not configured at all."""
    given = [name for name in (*REQUIRED, *OPTIONAL) if environ.get(name, "").strip()]
    if not given or not any(name.startswith("NIANBAO_S3_") for name in given):
        return []  # AWS keys alone may serve something else (backups…): not an S3 store for files
    problems = [f"{name} is not set" for name in REQUIRED if not environ.get(name, "").strip()]
    style = environ.get("NIANBAO_S3_ADDRESSING_STYLE", "").strip()
    if style and style not in {"path", "virtual", "auto"}:
        problems.append(f"NIANBAO_S3_ADDRESSING_STYLE must be path, virtual or auto, not {style!r}")
    endpoint = environ.get("NIANBAO_S3_ENDPOINT_URL", "").strip()
    if endpoint and not endpoint.startswith(("http://", "https://")):
        problems.append(f"NIANBAO_S3_ENDPOINT_URL must start with http:// or https://, not {endpoint!r}")
    return problems


def s3_configured(environ: Mapping[str, str]) -> bool:
    return all(environ.get(name, "").strip() for name in REQUIRED) and not s3_problems(environ)


def default_storage_from(environ: Mapping[str, str]) -> dict:
    """STORAGES["default"]: the bucket when it is fully configured, otherwise the file system."""
    if not s3_configured(environ):
        return dict(FILESYSTEM)
    endpoint = environ.get("NIANBAO_S3_ENDPOINT_URL", "").strip() or None
    style = environ.get("NIANBAO_S3_ADDRESSING_STYLE", "").strip() or ("path" if endpoint else None)
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["NIANBAO_S3_BUCKET"].strip(),
            "access_key": environ["AWS_ACCESS_KEY_ID"].strip(),
            "secret_key": environ["AWS_SECRET_ACCESS_KEY"].strip(),
            "endpoint_url": endpoint,
            "region_name": environ.get("NIANBAO_S3_REGION", "").strip() or None,
            "addressing_style": style,
            "location": environ.get("NIANBAO_S3_PREFIX", "nianbao").strip().strip("/"),
            "default_acl": "private",
            # Names are chosen by the code (versioned PDFs, batch ids): a save replaces, never renames.
            "file_overwrite": True,
            # Files are served by the application's own views (permissions, Content-Disposition);
            # a URL of the store itself is never given out, and would expire if it were.
            "querystring_auth": True,
        },
    }
