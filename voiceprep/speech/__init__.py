"""Speech I/O without Qt: text-to-speech, playback, recording and transcription.

Heavy modules (sounddevice, faster-whisper) are imported lazily inside the functions that need
them, so importing this package is cheap and works on machines without PortAudio.
"""
