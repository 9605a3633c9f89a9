"""What orgs tells the apps above it (they connect in their `ready()`)."""

from django.dispatch import Signal

__all__ = ["unit_moved"]

# A unit and its subtree moved under another parent, inside the moving transaction:
# unit_moved.send(sender=Unit, unit=…, old_ancestor_ids=[…], new_ancestor_ids=[…]), each list
# from the root down, the unit itself left out. Receivers' errors roll the move back.
unit_moved = Signal()
