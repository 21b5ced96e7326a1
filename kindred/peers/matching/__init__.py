"""Matching people for one-to-one peer support: pure Python + numpy, no Django models.

``profile.MatchProfile`` is what the Django side builds per person; ``filters.compatible`` applies
the hard rules both ways; ``score.rank`` orders compatible candidates; ``explain.explain`` says
why, from shared signals only; ``index.PeerIndex`` finds story neighbours among many profiles.
"""
