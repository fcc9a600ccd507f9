from clientgate.cli import main

raise SystemExit(main())
