"""Hogatar: the case-work engine and the programme's domain."""
