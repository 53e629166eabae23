"""A tribunal's views, split by audience: ``public`` (the testimony form, its confirmation, the
witness's own page), ``manage`` (organisers: charges, testimonies and their moderation, the panel)
and ``panel`` (the verdicts and the judgment); ``common`` loads a tribunal and checks who may act."""
