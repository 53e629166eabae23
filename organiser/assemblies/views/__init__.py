"""Assembly pages, split by audience: ``public`` (the assembly page, its calendar file, registering
and confirming, a registrant's own page and its cancel button) and ``manage`` (organisers' list,
new, edit, publish, cancel, agenda, registrations, check-in, export). ``labels`` holds the words and
times their templates show. Their URLs are in ``organiser.assemblies.blueprint``."""
