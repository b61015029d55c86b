"""The demo shop and the bulk generator: shops to try and measure the app on, built by the core."""
