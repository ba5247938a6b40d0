"""The log file: errors with their detail, for a bug report.

The screen and the command line show one short line; the log keeps the
traceback. It rotates (1 MB × 4 files), is readable by the owner only and is
created on the first error, not on every start. Database passwords are masked
in every line.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from leaddesk import paths

LOG_NAME = "leaddesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s pid %(process)d %(name)s: %(message)s"

logger = logging.getLogger("leaddesk")
# Until setup_logging runs (or in tests), records go nowhere, never to stderr.
logger.addHandler(logging.NullHandler())


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every file it opens, the first and each rotated-in one, is 0600."""

    def _open(self):
        # here, not at the top: the log file opens on the first error only, and
        # every command's start-up imports this module
        from leaddesk.core.store.files import create_private

        create_private(self.baseFilename)
        return super()._open()


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from leaddesk.core.store.db import mask_secrets

        return mask_secrets(super().format(record))


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def setup_logging(path: Path | None = None) -> Path:
    """Send leaddesk's log records to the rotating file at `path`; idempotent."""
    target = Path(path or log_file())
    for handler in logger.handlers:
        if isinstance(handler, PrivateRotatingFileHandler):
            if Path(handler.baseFilename) == target.absolute():
                return target
            logger.removeHandler(handler)
            handler.close()
    handler = PrivateRotatingFileHandler(
        target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(MaskingFormatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return target
