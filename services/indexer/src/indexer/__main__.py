import sys

from indexer.main import spec
from servicekit.cli import main

sys.exit(main(spec))
