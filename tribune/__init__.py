"""Tribune: the library behind a community site built with Pelican.

The Pelican plugins in ``plugins/`` and the invoke tasks in ``tasks.py`` are thin:
what they do lives here, in small modules that tests can import and call.
"""
