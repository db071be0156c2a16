import sys

from cdverify.schemas import main

sys.exit(main())
