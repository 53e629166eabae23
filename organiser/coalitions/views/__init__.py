"""Coalition pages, split by audience: ``public`` (the home page, a coalition's page and member
directory, applying to join, organisations' logos), ``manage`` (coordinators: their team, mailings,
the members' desk with applications to decide on, status changes, import and export),
``people_import`` (coordinators: supporters imported from CSV, with the log of imports) and
``organisations`` (an organisation's admins: its profile, its team, leaving a coalition, answering an
application made in its name); ``common`` holds what ``manage`` and ``organisations`` share. Their URLs are in
``organiser.coalitions.blueprint``."""
