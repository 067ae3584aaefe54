from k49desk.cli import main

raise SystemExit(main())
