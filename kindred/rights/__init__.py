"""A member's rights over their data: export (GDPR Art. 15/20) and deletion (Art. 17).

It sits above every feature app, like ``kindred.demo``: it reads each app's data through
that app's own functions and depends on all of them; nothing depends on it.
"""
