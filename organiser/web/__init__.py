"""Shared web pieces every package uses and none owns: the base forms and input filter, the
permission decorator, button actions, error pages, the public-action toolkit, template helpers,
links, times, charts and CSV downloads. It imports no domain package."""
