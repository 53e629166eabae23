"""Co-sponsorship, whatever the action (petitions, letter campaigns): coordinators invite member
organisations of their coalition tree; the organisation's admins accept or decline; an accepted
sponsor gets a tracking link (``?source=<code>`` on the action's public page) whose visitors may
tick the sponsor's own consent box, and what they do there is attributed to it.

Each kind of action keeps its own sponsor table (``models.SponsorshipColumns`` and a key to the
action) and describes itself once (``kinds.Sponsored``); ``codes`` and ``invitations`` work on any
of them. Petitions and letters bind these to their own kind (``petitions.sponsors``,
``letters.services.sponsors``) and keep what differs — who counts as a sponsor's supporter — to
themselves. This package knows neither of them."""
