"""Petition pages, split by audience: ``public`` (the petition, signing, confirming, the count),
``manage`` (coordinators' petitions), ``sponsors`` (co-sponsors, their supporters, milestones),
``abuse`` (limits and invalidation), ``delivery`` (targets, delivery, responses, report, embed).
Their URLs are in ``organiser.actions.petitions.blueprint``."""
