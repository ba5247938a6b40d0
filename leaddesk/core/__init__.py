"""The domain core: no terminal, no UI toolkit (see ARCHITECTURE.md).

Before any core module imports peewee, its import is told to skip the server
drivers (psycopg2 is loaded when a PostgreSQL URL is opened: store/drivers.py),
and before any imports pendulum, dateutil's parser and pendulum's token formatter are
set to load on first use (domain/deferred.py).
"""

from leaddesk.core.domain.deferred import defer_dateutil_parser, defer_pendulum_formatter
from leaddesk.core.store.drivers import defer_drivers

defer_drivers()
defer_dateutil_parser()
defer_pendulum_formatter()
