import EmulatorDaemon

AkanaEmulatorCommand.main()
