"""Pure rules and values: no database, no clock reading, no terminal."""
