import sys

from assessment.main import spec
from servicekit.cli import main

sys.exit(main(spec))
