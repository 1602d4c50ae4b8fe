from bot.terminal.cli import main

main()
