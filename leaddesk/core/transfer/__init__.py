"""Data in and out in bulk: spreadsheets, JSONL, calendars, letters, backups."""
