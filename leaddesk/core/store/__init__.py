"""The database: connection, models, migrations, opening and upgrading the schema."""
