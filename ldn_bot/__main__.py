from ldn_bot.frontends.cli import main

raise SystemExit(main())
