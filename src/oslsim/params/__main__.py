"""``python -m oslsim.params > docs/parameters.md`` renders the parameter page."""

from oslsim.params import render_markdown

print(render_markdown(), end="")
