from voiceprep.cli import main

raise SystemExit(main())
