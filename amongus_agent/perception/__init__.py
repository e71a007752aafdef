"""Perception for the real client: screen capture, chat OCR, Fix Wiring vision."""
