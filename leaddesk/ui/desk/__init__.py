"""The desk, in rooms: the screen (keys and panes), loading (pages, the change
check, the lead on screen), claims (team mode), calls (dial and timer),
writes (one path from a key to the core and back), sessions and forms.

Each room is a small object the screen owns; a room knows the rooms below it
(base ← claims ← loading ← calls ← writes ← sessions, forms ← screen), never
the screen module itself.
"""
