"""The desk's requests, each one trip: the snapshot, a keystroke's write and reload, dialling."""
