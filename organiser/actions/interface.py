"""What other packages may ask of actions (import-linter holds assemblies to this module): launch a
petition or a letter campaign in draft from an assembly's adopted demand, list the decision-makers a
demand may address, and read back an action's public state (count, delivery, responses)."""

from __future__ import annotations
