import sys

from coachtui.cli.main import main

sys.exit(main())
