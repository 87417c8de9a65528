# The doc-block harness lives in tests/docblocks.py; registering it here makes it apply to the
# Markdown pages under docs/ as well as to tests/.
pytest_plugins = ["tests.docblocks"]
