"""The pages of petitions started by supporters, split by audience: ``public`` (the start form, the
confirmations, the private link that gathers supporters, the published standards), ``own`` (the
creator's own page, reached by its link: changes, updates, closing), ``manage`` (the coordinators'
queue, their decisions and rules). Their URLs are in ``community.blueprint``."""
