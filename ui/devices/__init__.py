"""Scanner devices: keyboard-wedge detection and serial-port readers feeding one signal."""
