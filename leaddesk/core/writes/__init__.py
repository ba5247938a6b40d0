"""The only writers of leads, touches, sessions and claims: one transaction each."""
