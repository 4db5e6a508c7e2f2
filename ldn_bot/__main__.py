from ldn_bot.frontends.entry import run

run()
