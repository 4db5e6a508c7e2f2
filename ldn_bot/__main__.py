from ldn_bot.cli import main

raise SystemExit(main())
